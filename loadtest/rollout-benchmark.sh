#!/usr/bin/env bash
# Rollout benchmark: a firmware rollout to N simulated devices (loadtest fleet) in 5 waves, against a
# broker started here with its embedded PostgreSQL. Prints wall time against the configured pacing,
# the broker's CPU time during the rollout, and device transitions per second (mean and best second).
#
# Usage: loadtest/rollout-benchmark.sh [DEVICES] [BAKE_SECONDS] [APPLY_SECONDS]
#   defaults: 10000 devices, 2 s bake between waves, 0.5 s apply time on the devices.
# Needs the jars: mvn -B -q install -DskipTests. Uses curl, jq and bc. Extra broker options: BROKER_OPTS="...",
# extra JVM options of the broker (a flight recording, say): BROKER_JAVA_OPTS="...".
set -euo pipefail
cd "$(dirname "$0")/.."
DEVICES=${1:-10000}
BAKE=${2:-2}
APPLY=${3:-0.5}
MQTT_PORT=${MQTT_PORT:-18830}
HTTP_PORT=${HTTP_PORT:-18081}
WORK=$(mktemp -d /tmp/shadowmq-rollout-bench.XXXXXX)
chmod 755 "$WORK"
API="http://127.0.0.1:$HTTP_PORT/api/v1"
BROKER_PID=""
FLEET_PID=""
cleanup() {
  [ -n "$FLEET_PID" ] && kill "$FLEET_PID" 2>/dev/null || true
  [ -n "$BROKER_PID" ] && kill "$BROKER_PID" 2>/dev/null && wait "$BROKER_PID" 2>/dev/null || true
}
trap cleanup EXIT

java -Xmx2g ${BROKER_JAVA_OPTS:-} -jar broker/target/shadowmq.jar --data-dir "$WORK/data" --bind 127.0.0.1 --allow-anonymous \
  --mqtt-port "$MQTT_PORT" --ws-port -1 --http-port "$HTTP_PORT" --log-level warn ${BROKER_OPTS:-} > "$WORK/broker.log" 2>&1 &
BROKER_PID=$!
for _ in $(seq 1 120); do grep -q "listener=http" "$WORK/broker.log" && break; sleep 0.5; done
grep -q "listener=http" "$WORK/broker.log" || { cat "$WORK/broker.log"; exit 1; }
AUTH="Authorization: Bearer $(cat "$WORK/data/admin-token")"

# A release with one 64 KiB image.
head -c 65536 /dev/urandom > "$WORK/image.bin"
REL=$(curl -sf -H "$AUTH" -H 'Content-Type: application/json' -d '{"name":"bench-fw","version":"2.0.0"}' "$API/releases" | jq -r .id)
curl -sf -X PUT -H "$AUTH" -H 'Content-Type: application/octet-stream' \
  -H "X-Checksum-Sha256: $(sha256sum "$WORK/image.bin" | cut -d' ' -f1)" --data-binary @"$WORK/image.bin" \
  "$API/releases/$REL/artifacts/image" > /dev/null

# The fleet: devices lt-dev-0 .. lt-dev-(N-1), connected before the rollout starts.
java -Xmx2g -jar loadtest/target/shadowmq-loadtest.jar fleet --port "$MQTT_PORT" --devices "$DEVICES" \
  --connect-rate 2000 --duration 600 --report-interval 600 --apply-time "$APPLY" --json "$WORK/fleet.json" \
  > "$WORK/fleet.log" 2>&1 &
FLEET_PID=$!
for _ in $(seq 1 240); do
  CONNECTED=$(curl -sf "http://127.0.0.1:$HTTP_PORT/metrics" | awk '/^shadowmq_connections /{print int($2)}')
  [ "${CONNECTED:-0}" -ge "$DEVICES" ] && break
  sleep 0.5
done
echo "devices connected: ${CONNECTED:-0}"
sleep 2

jq -n --arg rel "$REL" --argjson n "$DEVICES" --argjson bake "$BAKE" '{
  releaseId: $rel,
  target: {devices: [range(0; $n) | "lt-dev-\(.)"]},
  waves: {sizes: ["1%", "5%", "20%", "50%", "100%"]},
  maxInProgress: $n,
  successGate: {percent: 95, bakeSeconds: $bake},
  failureThreshold: {percent: 10, minExecuted: 50, action: "pause"},
  timeouts: {inProgressSeconds: 120, deadlineSeconds: 600}}' > "$WORK/rollout.json"

ticks() { awk '{print $14 + $15}' "/proc/$BROKER_PID/stat"; }
transitions() { curl -sf "http://127.0.0.1:$HTTP_PORT/metrics" | awk '/^shadowmq_rollout_transitions_total /{print int($2)}'; }
HZ=$(getconf CLK_TCK)
CPU0=$(ticks)
T0=$(date +%s.%N)
ID=$(curl -sf -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/rollout.json" "$API/rollouts" | jq -r .id)
BEST=0
LAST=$(transitions)
LAST_T=$(date +%s.%N)
STATE=RUNNING
while [ "$STATE" = "RUNNING" ]; do
  sleep 1
  NOW=$(transitions); NOW_T=$(date +%s.%N)
  RATE=$(echo "($NOW - $LAST) / ($NOW_T - $LAST_T)" | bc -l)
  BEST=$(echo "if ($RATE > $BEST) $RATE else $BEST" | bc -l)
  LAST=$NOW; LAST_T=$NOW_T
  STATE=$(curl -sf -H "$AUTH" "$API/rollouts/$ID" | jq -r .state)
done
T1=$(date +%s.%N)
CPU1=$(ticks)
VIEW=$(curl -sf -H "$AUTH" "$API/rollouts/$ID")
TOTAL=$(transitions)
WALL=$(echo "$T1 - $T0" | bc -l)
PACING=$(echo "4 * $BAKE + 5 * $APPLY" | bc -l)
printf 'rollout %s: %s\n' "$ID" "$STATE"
echo "$VIEW" | jq -c '{counts, waves: [.waves[] | {index, size}]}'
printf 'devices %d, waves 5, bake %ss, apply %ss: pacing floor %.1f s\n' "$DEVICES" "$BAKE" "$APPLY" "$PACING"
printf 'wall time %.1f s (1 s polling granularity)\n' "$WALL"
printf 'broker CPU during the rollout %.1f s (%.0f%% of one core on average; MQTT, shadows, downloads and engine)\n' \
  "$(echo "($CPU1 - $CPU0) / $HZ" | bc -l)" "$(echo "100 * ($CPU1 - $CPU0) / $HZ / $WALL" | bc -l)"
printf 'device transitions %d: %.0f/s mean, %.0f/s best second\n' "$TOTAL" "$(echo "$TOTAL / $WALL" | bc -l)" "$BEST"
curl -sf "http://127.0.0.1:$HTTP_PORT/metrics" | awk '/^shadowmq_rollout_report_latency_seconds\{quantile/ {
  printf "report reaching the engine -> transition committed: %s %.1f ms\n", $1, $2 * 1000 }
  /^shadowmq_rollout_report_latency_seconds_(count|max)/ { print $1, $2 }'
