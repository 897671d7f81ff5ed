#!/usr/bin/env bash
# Runs one loadtest scenario against a local Mosquitto and then against ShadowMQ, one broker at a
# time on free loopback ports, and prints one table with both figures and the ratio.
#
#   loadtest/compare.sh SCENARIO [loadtest options...]
#   loadtest/compare.sh pubsub --pattern fanin --publishers 50 --subscribers 1 --qos 0 --duration 20
#
# Environment:
#   COMPARE_OUT          directory for the JSON results and logs (default: loadtest/target/compare-<time>)
#   COMPARE_BROKERS      which brokers, in order (default: "mosquitto shadowmq")
#   SHADOWMQ_ARGS        extra broker options for ShadowMQ, e.g. "--max-inflight 64"
#   SHADOWMQ_JAVA_OPTS   JVM options for ShadowMQ (default: none)
#   MOSQUITTO_CONF_EXTRA lines appended to the generated mosquitto.conf
#   LOADTEST_JAVA_OPTS   JVM options for the load generator
set -euo pipefail

if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
broker_jar="$root/broker/target/shadowmq.jar"
tool_jar="$root/loadtest/target/shadowmq-loadtest.jar"
out="${COMPARE_OUT:-$root/loadtest/target/compare-$(date -u +%Y%m%dT%H%M%SZ)}"
brokers="${COMPARE_BROKERS:-mosquitto shadowmq}"
mkdir -p "$out"

if [[ ! -f "$broker_jar" || ! -f "$tool_jar" ]]; then
  echo "building the broker and the load generator..." >&2
  (cd "$root" && mvn -B -q -DskipTests package -pl broker,loadtest -am)
fi

if [[ " $brokers " == *" mosquitto "* ]] && ! command -v mosquitto >/dev/null && [[ ! -x /usr/sbin/mosquitto ]]; then
  echo "installing mosquitto..." >&2
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq && apt-get install -y -qq mosquitto >/dev/null
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq mosquitto >/dev/null
  fi
fi
mosquitto_bin="$(command -v mosquitto || echo /usr/sbin/mosquitto)"

# A free TCP port on loopback: pick at random, skip ports that something listens on.
free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 20000))
    if ! ss -Hltn "sport = :$p" | grep -q .; then
      echo "$p"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

wait_listening() { # port seconds
  local i
  for i in $(seq 1 $(($2 * 10))); do
    if ss -Hltn "sport = :$1" | grep -q .; then return 0; fi
    sleep 0.1
  done
  return 1
}

# Closed client sockets linger in TIME_WAIT for a minute and hold their local ports; a run that
# starts while tens of thousands linger measures the port search, not the broker.
wait_time_wait() {
  local n
  for _ in $(seq 1 70); do
    n=$(ss -Htan state time-wait | wc -l)
    [[ $n -lt 2000 ]] && return 0
    sleep 1
  done
  echo "   note: $n sockets still in TIME_WAIT" >&2
}

broker_pid=""
stop_broker() {
  if [[ -n "$broker_pid" ]] && kill -0 "$broker_pid" 2>/dev/null; then
    kill "$broker_pid"
    for _ in $(seq 1 100); do kill -0 "$broker_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$broker_pid" 2>/dev/null || true
  fi
  broker_pid=""
}
trap stop_broker EXIT

start_mosquitto() {
  local port conf
  port="$(free_port)"
  conf="$out/mosquitto.conf"
  cat > "$conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
log_type error
log_type warning
${MOSQUITTO_CONF_EXTRA:-}
EOF
  "$mosquitto_bin" -c "$conf" > "$out/mosquitto.log" 2>&1 &
  broker_pid=$!
  wait_listening "$port" 10 || { echo "mosquitto did not start, see $out/mosquitto.log" >&2; exit 1; }
  broker_port="$port"
  broker_version="$("$mosquitto_bin" -h 2>/dev/null | head -1 || true)"
}

start_shadowmq() {
  local log="$out/shadowmq.log" i
  rm -rf "$out/shadowmq-data"
  : > "$log"
  # shellcheck disable=SC2086
  java ${SHADOWMQ_JAVA_OPTS:-} -jar "$broker_jar" --mqtt-port 0 --ws-port -1 --http-port -1 --data-dir "$out/shadowmq-data" \
    ${SHADOWMQ_ARGS:-} > "$log" 2>&1 &
  broker_pid=$!
  broker_port=""
  for i in $(seq 1 300); do
    broker_port="$(sed -n 's/^listening listener=mqtt host=[^ ]* port=\([0-9]*\)$/\1/p' "$log" | head -1 || true)"
    [[ -n "$broker_port" ]] && break
    kill -0 "$broker_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n "$broker_port" ]] || { echo "shadowmq did not start, see $log" >&2; exit 1; }
  broker_version="shadowmq $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '')"
}

echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "results: $out"

results=()
for b in $brokers; do
  wait_time_wait
  case "$b" in
    mosquitto) start_mosquitto ;;
    shadowmq) start_shadowmq ;;
    *) echo "unknown broker $b" >&2; exit 2 ;;
  esac
  echo "== $b ($broker_version) on 127.0.0.1:$broker_port, pid $broker_pid"
  echo "   java -jar loadtest/target/shadowmq-loadtest.jar $* --port $broker_port --broker-pid $broker_pid"
  # shellcheck disable=SC2086
  if ! java ${LOADTEST_JAVA_OPTS:-} -jar "$tool_jar" "$@" --host 127.0.0.1 --port "$broker_port" \
      --broker-pid "$broker_pid" --broker-name "$b" --json "$out/$b.json" > "$out/$b.out" 2> "$out/$b.err"; then
    echo "   the run against $b failed:" >&2
    tail -5 "$out/$b.err" >&2
  fi
  stop_broker
  [[ -f "$out/$b.json" ]] && results+=("$out/$b.json")
done

if [[ ${#results[@]} -gt 0 ]]; then
  echo
  java -jar "$tool_jar" report "${results[@]}"
fi
