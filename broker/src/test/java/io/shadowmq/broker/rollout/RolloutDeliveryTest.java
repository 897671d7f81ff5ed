package io.shadowmq.broker.rollout;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.shadowmq.broker.rollout.RolloutFixture.count;
import static io.shadowmq.broker.rollout.RolloutFixture.devicesTarget;
import static io.shadowmq.broker.rollout.RolloutFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How devices are told and what they check: the direct-method mode end to end, the integrity of a
 * download, and a rollout that survives a restart of the broker in the middle of its waves.
 */
@Timeout(120)
class RolloutDeliveryTest {
  @TempDir
  Path dataDir;
  RolloutFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void methodModeCallsFirmwareUpdateAndFollowsTheReportedStatus() throws Exception {
    f = new RolloutFixture();
    String release = f.release("cam-fw", "5.0.0", new JsonObject());
    SimulatedDevice a = f.device("m-1", "4.0.0");
    SimulatedDevice b = f.device("m-2", "4.0.0");
    String id = f.create(new JsonObject().put("releaseId", release).put("target", devicesTarget("m-1", "m-2"))
        .put("delivery", "method").put("successGate", new JsonObject().put("percent", 100).put("bakeSeconds", 0)))
        .getString("id");
    JsonObject done = f.awaitState(id, "COMPLETED", 30);
    assertThat(count(done, "SUCCEEDED")).isEqualTo(2);
    assertThat(a.methodCalls).containsExactly("firmwareUpdate");
    assertThat(b.methodCalls).containsExactly("firmwareUpdate");
    assertThat(a.version).isEqualTo("5.0.0");
    assertThat(a.statuses).containsSubsequence("downloading", "applying", "applyComplete");
    assertThat(f.desiredFirmware("m-1")).isNull(); // method mode leaves the desired state alone
    // iothubDM.firmwareUpdate names no rollout: it is shown while an execution is in flight only.
    assertThat(f.execution(id, "m-1").containsKey("report")).isFalse();
  }

  @Test
  void methodModeCallsAnOfflineDeviceAgainOnceItIsBack() throws Exception {
    f = new RolloutFixture();
    String release = f.release("cam-fw", "5.0.0", new JsonObject());
    SimulatedDevice away = f.device("m-away", "4.0.0");
    away.disconnect();
    String id = f.create(new JsonObject().put("releaseId", release).put("target", devicesTarget("m-away"))
        .put("delivery", "method")).getString("id");
    f.await(id, v -> count(v, "NOTIFIED") == 1, 10, "m-away notified");
    Thread.sleep(7500); // offline through the call and its repeats after 1, 2 and 4 s (the sweep runs each second)
    assertThat(f.execution(id, "m-away").getString("state")).isEqualTo("NOTIFIED"); // waiting is no failure
    assertThat(offlineCalls()).as("calls answered 'offline' in 7.5 s").isBetween(2.0, 4.0); // 8 if called every second
    away.connect();
    JsonObject done = f.awaitState(id, "COMPLETED", 20);
    assertThat(count(done, "SUCCEEDED")).isEqualTo(1);
    assertThat(away.methodCalls).containsExactly("firmwareUpdate"); // answered once
    assertThat(away.version).isEqualTo("5.0.0");
  }

  private double offlineCalls() throws Exception {
    String scrape = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(f.broker.httpUri() + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
    return scrape.lines().filter(l -> l.startsWith("shadowmq_method_calls_total{") && l.contains("outcome=\"offline\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void aDeviceThatDownloadsCorruptedBytesRefusesThemAndTheExecutionFails() throws Exception {
    f = new RolloutFixture();
    String release = f.release("cam-fw", "5.0.0", new JsonObject());
    SimulatedDevice d = f.device("sha-1", "4.0.0");
    // The stored image is damaged after its upload (a disk error): its bytes no longer match its sha256.
    f.broker.node().storage().pool().preparedQuery("UPDATE firmware_chunk SET data = set_byte(data, 100, "
            + "(get_byte(data, 100) + 1) % 256) WHERE artifact_id IN (SELECT id FROM firmware_artifact WHERE release_id = $1)")
        .execute(Tuple.of(release)).await(10, TimeUnit.SECONDS);
    String id = f.create(new JsonObject().put("releaseId", release).put("target", devicesTarget("sha-1"))
        .put("failureThreshold", new JsonObject().put("minExecuted", 5))).getString("id");
    JsonObject failed = f.await(id, v -> count(v, "FAILED") == 1 && v.getString("state").equals("COMPLETED"), 20,
        "sha-1 failed");
    assertThat(failed.getDouble("failureRate")).isEqualTo(100.0);
    assertThat(f.execution(id, "sha-1").getJsonObject("lastError").getString("code")).isEqualTo("CHECKSUM_MISMATCH");
    assertThat(d.statuses).doesNotContain("verified", "applying");
    assertThat(d.version).isEqualTo("4.0.0");
  }

  @Test
  void aContinuousRolloutFindsDevicesReTaggedBehindTheApiAtItsNextRescan() throws Exception {
    f = new RolloutFixture("--rollout-rescan-seconds", "1");
    String release = f.release("cam-fw", "5.0.0", new JsonObject());
    JsonObject tags = new JsonObject().put("site", "north");
    f.registered("rs-a", "4.0.0", tags);
    SimulatedDevice moved = f.registered("rs-b", "4.0.0", new JsonObject().put("site", "south"));
    String id = f.create(new JsonObject().put("releaseId", release)
        .put("target", new JsonObject().put("selector", tags)).put("continuous", true)).getString("id");
    f.await(id, v -> count(v, "SUCCEEDED") == 1, 20, "rs-a updated");
    // As another node or the device command would: no event reaches this node's engine.
    f.broker.node().storage().pool().preparedQuery("UPDATE device SET tags = $1 WHERE id = 'rs-b'")
        .execute(Tuple.of(tags)).await(10, TimeUnit.SECONDS);
    f.await(id, v -> count(v, "SUCCEEDED") == 2, 20, "rs-b found by the rescan and updated");
    assertThat(moved.version).isEqualTo("5.0.0");
  }

  @Test
  void aRolloutResumesWhereItWasAfterTheBrokerRestarts() throws Exception {
    f = new RolloutFixture("--data-dir", dataDir.toString());
    String release = f.release("cam-fw", "5.0.0", new JsonObject());
    for (int i = 1; i <= 4; i++) {
      f.device("rs-" + i, "4.0.0");
    }
    String id = f.create(new JsonObject().put("releaseId", release)
        .put("target", devicesTarget("rs-1", "rs-2", "rs-3", "rs-4"))
        .put("waves", new JsonObject().put("sizes", new JsonArray().add(2).add("100%")))
        .put("successGate", new JsonObject().put("percent", 100).put("bakeSeconds", 3))).getString("id");
    JsonObject baking = f.await(id, v -> count(v, "SUCCEEDED") == 2, 20, "wave 0 done");
    assertThat(baking.getJsonArray("waves").getJsonObject(1).getString("state")).isEqualTo("PENDING");

    f.stop(); // mid-rollout: wave 0 baked partly, wave 1 not started
    f.devices.clear();
    f.start("--data-dir", dataDir.toString());
    JsonObject after = f.rollout(id);
    assertThat(after.getString("state")).isEqualTo("RUNNING");
    assertThat(count(after, "SUCCEEDED")).isEqualTo(2);
    assertThat(count(after, "QUEUED")).isEqualTo(2);
    SimulatedDevice[] back = new SimulatedDevice[4];
    for (int i = 1; i <= 4; i++) {
      back[i - 1] = f.device("rs-" + i, i <= 2 ? "5.0.0" : "4.0.0");
    }
    JsonObject done = f.awaitState(id, "COMPLETED", 30);
    assertThat(count(done, "SUCCEEDED")).isEqualTo(4);
    for (JsonObject x : f.executions(id, null)) {
      assertThat(x.getInteger("attempt")).as(x.getString("device")).isEqualTo(1); // nobody told twice
    }
    eventually(() -> "5.0.0".equals(back[3].version), 5, "rs-4 updated");
    assertThat(back[0].statuses).doesNotContain("downloading"); // wave 0 was not sent again
  }
}
