#!/usr/bin/env python3
"""Rollout engine throughput: how fast the engine turns device reports into committed transitions,
without simulated devices competing for the CPU.

Usage: loadtest/rollout-engine-benchmark.py HTTP_PORT MQTT_PORT ADMIN_TOKEN BROKER_PID [DEVICES] [shadow|method]

Against a running broker (embedded PostgreSQL, --allow-anonymous): creates a release with a small
image and a rollout to DEVICES device ids (default 10 000) in one wave, then
  1. waits until the engine has notified every device (QUEUED -> NOTIFIED committed for all, and
     each device's desired firmware written: one durable shadow update per device, counted in
     shadowmq_shadow_requests_total{operation="update",result="accepted"}); the target scan that
     creates the executions is inside this phase;
  2. reports `downloading` for every device from four raw MQTT connections, as fast as the broker
     takes them (NOTIFIED -> IN_PROGRESS), and waits until every execution is IN_PROGRESS;
  3. reports the new version with `applyComplete` (IN_PROGRESS -> SUCCEEDED; the engine then
     trims each device's desired firmware), and waits until every execution has SUCCEEDED.
With `method` delivery the engine calls `firmwareUpdate` instead of writing desired states (the
devices are offline: each call is answered "offline" and the execution stays NOTIFIED), and the
reports are `reported.iothubDM.firmwareUpdate.status`, which names no rollout: the engine looks up
each reporting device's execution in flight.
Each phase prints its transitions per second (from the first message to the last transition
committed, read from the rollout's counts every 20 ms) and the broker's CPU seconds. The devices
are never connected: their shadows are updated by the driver, so nothing but the broker (MQTT,
shadows, engine) and PostgreSQL runs during a phase, apart from this light driver.
"""
import asyncio
import json
import os
import struct
import sys
import time
import urllib.request
import uuid

HTTP, MQTT, TOKEN, PID = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
DEVICES = int(sys.argv[5]) if len(sys.argv) > 5 else 10000
DELIVERY = sys.argv[6] if len(sys.argv) > 6 else "shadow"
API = f"http://127.0.0.1:{HTTP}/api/v1"
HZ = os.sysconf("SC_CLK_TCK")
RUN = uuid.uuid4().hex[:6]
IDS = [f"eng-{RUN}-{i}" for i in range(DEVICES)]


def api(method, path, body=None, data=None, headers=None):
    h = {"Authorization": "Bearer " + TOKEN}
    h.update(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    req = urllib.request.Request(API + path, data=data, method=method, headers=h)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")


def cpu_seconds():
    with open(f"/proc/{PID}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ


def accepted_updates():
    with urllib.request.urlopen(f"http://127.0.0.1:{HTTP}/metrics") as r:
        for line in r.read().decode().splitlines():
            if line.startswith("shadowmq_shadow_requests_total{") and 'operation="update"' in line \
                    and 'result="accepted"' in line:
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def counts(rollout):
    return api("GET", f"/rollouts/{rollout}")["counts"]


def wait_for(rollout, state, started, timeout=300):
    while True:
        c = counts(rollout)
        if c.get(state, 0) >= DEVICES:
            return time.monotonic()
        if time.monotonic() - started > timeout:
            sys.exit(f"timed out waiting for {DEVICES} {state}: {c}")
        time.sleep(0.02)


def packet(kind, body):
    n, length = len(body), b""
    while True:
        digit, n = n % 128, n // 128
        length += bytes([digit | (0x80 if n else 0)])
        if not n:
            return bytes([kind]) + length + body


def utf8(s):
    b = s.encode()
    return struct.pack("!H", len(b)) + b


def firmware_report(version, rollout, status):
    if DELIVERY == "method":
        return {"firmware": {"version": version}, "iothubDM": {"firmwareUpdate": {"status": status}}}
    return {"firmware": {"version": version, "rolloutId": rollout, "status": status}}


async def report_all(reported, connections=4):
    async def one(part):
        r, w = await asyncio.open_connection("127.0.0.1", MQTT)
        w.write(packet(0x10, utf8("MQTT") + bytes([4, 2, 0, 60]) + utf8(f"eng-driver-{RUN}-{part}")))
        await r.readexactly(4)  # CONNACK
        for device in IDS[part::connections]:
            doc = json.dumps({"state": {"reported": reported}}).encode()
            w.write(packet(0x30, utf8(f"$aws/things/{device}/shadow/update") + doc))
            if w.transport.get_write_buffer_size() > 256 * 1024:
                await w.drain()
        w.write(packet(0xE0, b""))
        await w.drain()
        w.close()
    await asyncio.gather(*(one(p) for p in range(connections)))


def wait_for_updates(since, started, timeout=300):
    while accepted_updates() - since < DEVICES:
        if time.monotonic() - started > timeout:
            sys.exit(f"timed out waiting for {DEVICES} desired firmware writes")
        time.sleep(0.02)
    return time.monotonic()


def phase(name, rollout, state, action, shadow_writes=False):
    """rollout: its id, or a dict the action puts the id of a new rollout in"""
    updates0 = accepted_updates()
    cpu0, t0 = cpu_seconds(), time.monotonic()
    action()
    t1 = wait_for(rollout["id"] if isinstance(rollout, dict) else rollout, state, t0)
    if shadow_writes:
        print(f"  all {state} committed after {t1 - t0:.2f} s; waiting for the desired firmware writes")
        t1 = wait_for_updates(updates0, t0)
    cpu = cpu_seconds() - cpu0
    print(f"{name}: {DEVICES} transitions to {state} in {t1 - t0:.2f} s = {DEVICES / (t1 - t0):,.0f}/s, "
          f"broker CPU {cpu:.1f} s ({1e6 * cpu / DEVICES:.0f} us per transition)")


release = api("POST", "/releases", {"name": "engine-bench", "version": f"9.{RUN}"})
image = os.urandom(4096)
artifact = api("PUT", f"/releases/{release['id']}/artifacts/image", data=image,
               headers={"Content-Type": "application/octet-stream"})
spec = {"releaseId": release["id"], "target": {"devices": IDS}, "waves": {"sizes": ["100%"]}, "delivery": DELIVERY,
        "maxInProgress": DEVICES, "successGate": {"percent": 0, "bakeSeconds": 0},
        "timeouts": {"inProgressSeconds": 3600, "deadlineSeconds": 7200}}
created = {}
phase("notify (the engine writes each device's desired firmware)", created, "NOTIFIED",
      lambda: created.update(id=api("POST", "/rollouts", spec)["id"]), shadow_writes=DELIVERY == "shadow")
rid = created["id"]
phase("reports 'downloading'", rid, "IN_PROGRESS",
      lambda: asyncio.run(report_all(firmware_report("1.0.0", rid, "downloading"))))
phase("reports the new version applied", rid, "SUCCEEDED",
      lambda: asyncio.run(report_all(firmware_report(release["version"], rid, "applyComplete"))))
print(json.dumps(api("GET", f"/rollouts/{rid}")["counts"]))
