package io.shadowmq.broker.rollout;

import io.shadowmq.broker.api.ApiClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.List;

import static io.shadowmq.broker.rollout.RolloutFixture.count;
import static io.shadowmq.broker.rollout.RolloutFixture.devicesTarget;
import static io.shadowmq.broker.rollout.RolloutFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Waves, the success gate and the failure threshold, with simulated devices over MQTT against a
 * broker with its embedded PostgreSQL.
 */
@Timeout(120)
class RolloutWavesTest {
  static RolloutFixture f;
  static String release;

  @BeforeAll
  static void start() throws Exception {
    f = new RolloutFixture();
    release = f.release("sensor-fw", "2.0.0", new JsonObject());
    f.release("sensor-fw", "1.0.0", new JsonObject());
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void aGroupIsUpdatedWaveByWaveAndEachDeviceEndsOnTheNewVersion() throws Exception {
    JsonObject line = new JsonObject().put("line", "l3");
    for (int i = 1; i <= 6; i++) {
      f.registered("mw-" + i, "1.0.0", line);
    }
    f.registered("mw-7", "2.0.0", line); // already there: skipped
    assertThat(f.api.post("/api/v1/groups", new JsonObject().put("name", "line-3").put("selector", line)).status())
        .isEqualTo(201);
    JsonObject created = f.create(new JsonObject().put("releaseId", release)
        .put("target", new JsonObject().put("group", "line-3"))
        .put("waves", new JsonObject().put("sizes", new JsonArray().add(1).add("50%").add("100%")))
        .put("maxInProgress", 2)
        .put("successGate", new JsonObject().put("percent", 100).put("bakeSeconds", 1)));
    String id = created.getString("id");
    assertThat(created.getString("state")).isEqualTo("RUNNING");

    JsonObject done = f.awaitState(id, "COMPLETED", 40);
    assertThat(count(done, "SUCCEEDED")).isEqualTo(6);
    assertThat(count(done, "SKIPPED")).isEqualTo(1);
    assertThat(done.getJsonArray("waves").stream().map(w -> ((JsonObject) w).getInteger("size")).toList())
        .containsExactly(1, 2, 3);
    assertThat(done.getDouble("failureRate")).isEqualTo(0.0);
    for (SimulatedDevice d : f.devices.subList(f.devices.size() - 7, f.devices.size())) {
      assertThat(d.version).as(d.id).isEqualTo("2.0.0");
      // the delta emptied: desired keeps only the version (trimmed right after the success)
      JsonObject trimmed = d.id.equals("mw-7") ? null : new JsonObject().put("version", "2.0.0");
      eventually(() -> java.util.Objects.equals(desired(d.id), trimmed), 5, d.id + " trimmed");
    }
    assertThat(f.execution(id, "mw-7").getString("skipReason")).isEqualTo("already on 2.0.0");

    // waves in order, each after the previous one finished and baked for a second
    List<JsonObject> xs = f.executions(id, "SUCCEEDED");
    for (int wave = 1; wave <= 2; wave++) {
      int w = wave;
      Instant previousDone = xs.stream().filter(x -> x.getInteger("wave") == w - 1)
          .map(x -> Instant.parse(x.getString("finishedAt"))).max(Instant::compareTo).orElseThrow();
      Instant firstNotified = xs.stream().filter(x -> x.getInteger("wave") == w)
          .map(x -> Instant.parse(x.getString("notifiedAt"))).min(Instant::compareTo).orElseThrow();
      assertThat(firstNotified).as("wave " + w).isAfterOrEqualTo(previousDone.plusMillis(900));
    }
    for (JsonObject x : xs) {
      assertThat(x.getInteger("attempt")).isEqualTo(1);
      assertThat(x.getString("previousVersion")).isEqualTo("1.0.0");
    }
    // the devices checked what they downloaded
    assertThat(f.device("mw-1").statuses).contains("verified", "applyComplete");
    // events for back-ends: every device transition and the rollout's end
    eventually(() -> f.events.stream().anyMatch(e -> id.equals(e.getString("rolloutId"))
        && "COMPLETED".equals(e.getString("state")) && "rollout".equals(e.getString("type"))), 10, "completion event");
    assertThat(f.events.stream().filter(e -> id.equals(e.getString("rolloutId")) && "execution".equals(e.getString("type"))
        && "SUCCEEDED".equals(e.getString("state"))).count()).isEqualTo(6);
    eventually(() -> f.broker.gauge("shadowmq.rollouts", "state", "COMPLETED") >= 1, 10, "the rollouts meter");
    assertThat(f.broker.counter("shadowmq.rollout.transitions")).isGreaterThanOrEqualTo(18);
    // deployment history per device and per group
    JsonArray history = f.api.get("/api/v1/devices/mw-1/rollouts").json().getJsonArray("items");
    assertThat(history.getJsonObject(0).getString("rolloutId")).isEqualTo(id);
    assertThat(history.getJsonObject(0).getString("state")).isEqualTo("SUCCEEDED");
    JsonArray groupHistory = f.api.get("/api/v1/groups/line-3/rollouts").json().getJsonArray("items");
    assertThat(groupHistory.stream().map(r -> ((JsonObject) r).getString("id")).toList()).containsExactly(id);
  }

  private static JsonObject desired(String device) {
    try {
      return f.desiredFirmware(device);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aWaveBelowItsSuccessGatePausesTheRolloutUntilResumed() throws Exception {
    SimulatedDevice bad = f.device("gate-1", "1.0.0");
    bad.behaviour = SimulatedDevice.Behaviour.FAIL_APPLY;
    f.device("gate-2", "1.0.0");
    f.device("gate-3", "1.0.0");
    String id = f.create(new JsonObject().put("releaseId", release).put("target", devicesTarget("gate-1", "gate-2", "gate-3"))
        .put("waves", new JsonObject().put("sizes", new JsonArray().add(1).add("100%")))
        .put("successGate", new JsonObject().put("percent", 100).put("bakeSeconds", 0))
        .put("failureThreshold", new JsonObject().put("minExecuted", 3))).getString("id");

    JsonObject paused = f.awaitState(id, "PAUSED", 20);
    assertThat(paused.getString("reason")).startsWith("success gate: wave 0 finished with 0 of 1 succeeded");
    assertThat(f.execution(id, "gate-1").getString("state")).isEqualTo("FAILED");
    assertThat(f.execution(id, "gate-1").getJsonObject("lastError").getString("code")).isEqualTo("APPLY_ERROR");
    // the next wave is held: its devices were never told
    assertThat(f.executions(id, "QUEUED")).hasSize(2);
    assertThat(f.desiredFirmware("gate-2")).isNull();
    assertThat(f.device("gate-3").statuses).doesNotContain("downloading");

    assertThat(f.action(id, "resume").getString("state")).isEqualTo("RUNNING");
    JsonObject done = f.awaitState(id, "COMPLETED", 20);
    assertThat(count(done, "SUCCEEDED")).isEqualTo(2);
    assertThat(count(done, "FAILED")).isEqualTo(1);
    assertThat(done.getDouble("failureRate")).isEqualTo(33.33);
  }

  /** Three devices that fail to download after one that succeeded (waves take devices in id order). */
  private String failingRollout(String prefix, String action) throws Exception {
    f.device(prefix + "-a-ok", "1.0.0");
    for (int i = 1; i <= 3; i++) {
      f.device(prefix + "-b-bad" + i, "1.0.0").behaviour = SimulatedDevice.Behaviour.FAIL_DOWNLOAD;
    }
    f.device(prefix + "-c-later", "1.0.0");
    return f.create(new JsonObject().put("releaseId", release)
        .put("target", devicesTarget(prefix + "-a-ok", prefix + "-b-bad1", prefix + "-b-bad2", prefix + "-b-bad3", prefix + "-c-later"))
        .put("waves", new JsonObject().put("sizes", new JsonArray().add(1).add(4).add(5)))
        .put("successGate", new JsonObject().put("percent", 0).put("bakeSeconds", 0))
        .put("failureThreshold", new JsonObject().put("percent", 50).put("minExecuted", 3).put("action", action)))
        .getString("id");
  }

  @Test
  void failuresAtTheThresholdPauseTheRollout() throws Exception {
    String id = failingRollout("tp", "pause");
    JsonObject paused = f.awaitState(id, "PAUSED", 20);
    assertThat(paused.getString("reason")).startsWith("failure threshold:").contains("at or above 50%");
    assertThat(f.execution(id, "tp-c-later").getString("state")).isEqualTo("QUEUED");
    assertThat(f.execution(id, "tp-b-bad1").getJsonObject("lastError").getString("code")).isEqualTo("NETWORK");
    assertThat(f.api.get("/api/v1/rollouts/" + id + "/devices?state=FAILED").json().getJsonArray("items").size())
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void failuresAtTheThresholdAbortTheRollout() throws Exception {
    String id = failingRollout("ta", "abort");
    JsonObject aborted = f.awaitState(id, "ABORTED", 20);
    assertThat(aborted.getString("reason")).startsWith("failure threshold:");
    // nothing more is notified: the device of the last wave is released
    JsonObject later = f.execution(id, "ta-c-later");
    assertThat(later.getString("state")).isEqualTo("CANCELED");
    assertThat(later.getJsonObject("lastError").getString("code")).isEqualTo("ABORTED");
    assertThat(f.desiredFirmware("ta-c-later")).isNull();
    ApiClient.Response again = f.api.post("/api/v1/rollouts/" + id + "/pause", null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("rollout_state");
  }

  @Test
  void failuresAtTheThresholdRollTheDevicesBackToTheirOldVersion() throws Exception {
    String id = failingRollout("tr", "rollback");
    JsonObject rolledBack = f.awaitState(id, "ROLLED_BACK", 20);
    assertThat(rolledBack.getString("reason")).startsWith("failure threshold:");
    SimulatedDevice ok = f.device("tr-a-ok");
    eventually(() -> "1.0.0".equals(ok.version), 10, "tr-ok back on 1.0.0");
    assertThat(ok.statuses).containsSubsequence("applyComplete", "applyComplete");
    for (String d : List.of("tr-a-ok", "tr-b-bad1", "tr-b-bad2", "tr-b-bad3")) {
      assertThat(f.desiredFirmware(d).getString("version")).as(d).isEqualTo("1.0.0");
    }
    assertThat(f.execution(id, "tr-c-later").getString("state")).isEqualTo("CANCELED");
  }
}
