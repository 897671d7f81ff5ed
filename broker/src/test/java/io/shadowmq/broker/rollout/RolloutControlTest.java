package io.shadowmq.broker.rollout;

import io.shadowmq.broker.api.ApiClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;

import static io.shadowmq.broker.rollout.RolloutFixture.count;
import static io.shadowmq.broker.rollout.RolloutFixture.devicesTarget;
import static io.shadowmq.broker.rollout.RolloutFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Operators and devices that do not go to plan: cancel, silent devices, offline devices, devices
 * claimed by two rollouts, approval, update-now, and the API's refusals.
 */
@Timeout(120)
class RolloutControlTest {
  static RolloutFixture f;
  static String release;

  @BeforeAll
  static void start() throws Exception {
    f = new RolloutFixture(); // continuous rollouts rescan every 300 s: what joins them here comes from events
    release = f.release("gw-fw", "3.1.0", new JsonObject());
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static JsonObject rollout(JsonObject target) {
    return new JsonObject().put("releaseId", release).put("target", target)
        .put("successGate", new JsonObject().put("percent", 0).put("bakeSeconds", 0));
  }

  @Test
  void cancelReleasesQueuedDevicesClearsNotifiedOnesAndLetsStartedOnesFinish() throws Exception {
    f.device("cx-1", "3.0.0").behaviour = SimulatedDevice.Behaviour.STALL; // starts, then stays busy
    f.device("cx-2", "3.0.0").behaviour = SimulatedDevice.Behaviour.IGNORE; // never starts
    f.device("cx-3", "3.0.0");
    String id = f.create(rollout(devicesTarget("cx-1", "cx-2", "cx-3"))
        .put("waves", new JsonObject().put("sizes", new JsonArray().add(2).add(3)))).getString("id");
    f.await(id, v -> count(v, "IN_PROGRESS") == 1 && count(v, "NOTIFIED") == 1, 20, "one started, one told");

    JsonObject canceled = f.action(id, "cancel");
    assertThat(canceled.getString("state")).isEqualTo("CANCELED");
    assertThat(f.execution(id, "cx-3").getString("state")).isEqualTo("CANCELED");
    assertThat(f.execution(id, "cx-2").getString("state")).isEqualTo("CANCELED");
    assertThat(f.desiredFirmware("cx-2")).isNull(); // cleared: the device's delta is empty again
    assertThat(f.desiredFirmware("cx-3")).isNull(); // never told
    assertThat(f.execution(id, "cx-1").getString("state")).isEqualTo("IN_PROGRESS"); // finishing
    assertThat(f.desiredFirmware("cx-1").getString("version")).isEqualTo("3.1.0");
    assertThat(f.api.post("/api/v1/rollouts/" + id + "/resume", null).status()).isEqualTo(409);
  }

  @Test
  void oneDeviceIsCanceledAndTheOthersCarryOn() throws Exception {
    f.device("c1-a", "3.0.0").behaviour = SimulatedDevice.Behaviour.IGNORE;
    f.device("c1-b", "3.0.0");
    String id = f.create(rollout(devicesTarget("c1-a", "c1-b"))).getString("id");
    f.await(id, v -> count(v, "SUCCEEDED") == 1 && count(v, "NOTIFIED") == 1, 20, "c1-b done, c1-a told");
    ApiClient.Response r = f.api.post("/api/v1/rollouts/" + id + "/devices/c1-a/cancel", null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getString("state")).isEqualTo("CANCELED");
    assertThat(f.desiredFirmware("c1-a")).isNull();
    f.awaitState(id, "COMPLETED", 20);
    assertThat(f.api.post("/api/v1/rollouts/" + id + "/devices/c1-a/cancel", null).status()).isEqualTo(409);
    assertThat(f.api.post("/api/v1/rollouts/" + id + "/devices/nobody/cancel", null).status()).isEqualTo(404);
  }

  @Test
  void aSilentDeviceTimesOutAndAFailedOneIsRetriedWithAFreshLink() throws Exception {
    f.device("to-1", "3.0.0").behaviour = SimulatedDevice.Behaviour.STALL;
    SimulatedDevice flaky = f.device("to-2", "3.0.0");
    flaky.behaviour = SimulatedDevice.Behaviour.FAIL_DOWNLOAD;
    String id = f.create(rollout(devicesTarget("to-1", "to-2"))
        .put("timeouts", new JsonObject().put("inProgressSeconds", 2).put("deadlineSeconds", 4))
        .put("retries", new JsonObject().put("max", 1).put("backoffSeconds", 1))
        .put("failureThreshold", new JsonObject().put("minExecuted", 10))).getString("id");
    eventually(() -> flaky.errors.contains("NETWORK"), 20, "to-2 failed once");
    String firstLink = f.desiredFirmware("to-2").getJsonArray("artifacts").getJsonObject(0).getString("url");
    flaky.behaviour = SimulatedDevice.Behaviour.SUCCEED;

    JsonObject done = f.await(id, v -> count(v, "TIMED_OUT") == 1 && count(v, "SUCCEEDED") == 1
        && v.getString("state").equals("COMPLETED"), 30, "to-1 timed out (after its retry), to-2 done");
    assertThat(done.getDouble("failureRate")).isEqualTo(50.0);
    JsonObject silent = f.execution(id, "to-1");
    assertThat(silent.getInteger("attempt")).isEqualTo(2);
    assertThat(silent.getJsonObject("lastError").getString("code")).isEqualTo("TIMED_OUT");
    // What the device said last, from its shadow: it went silent 40 % into its download.
    assertThat(silent.getJsonObject("report")).isEqualTo(new JsonObject().put("status", "downloading")
        .put("progress", 40).put("version", "3.0.0"));
    JsonObject retried = f.execution(id, "to-2");
    assertThat(retried.getJsonObject("report")).isEqualTo(new JsonObject().put("status", "applyComplete")
        .put("progress", 100).put("version", "3.1.0"));
    assertThat(retried.getInteger("attempt")).isEqualTo(2);
    assertThat(retried.getJsonObject("lastError").getString("code")).isEqualTo("NETWORK");
    assertThat(flaky.version).isEqualTo("3.1.0");
    eventually(() -> {
      try {
        return new JsonObject().put("version", "3.1.0").equals(f.desiredFirmware("to-2"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, 5, "to-2 trimmed");
    assertThat(firstLink).contains("device=to-2");

    // retry-failed queues the timed-out device again: a completed rollout runs again for it
    assertThat(f.action(id, "retry-failed").getString("state")).isEqualTo("RUNNING");
    f.await(id, v -> count(v, "TIMED_OUT") == 0, 10, "to-1 queued again");
  }

  @Test
  void aDeviceWhoseLinkExpiredGetsAFreshOneWithoutFailing() throws Exception {
    SimulatedDevice d = f.device("exp-1", "3.0.0");
    d.behaviour = SimulatedDevice.Behaviour.LINK_EXPIRES_ONCE;
    String id = f.create(rollout(devicesTarget("exp-1"))).getString("id");
    JsonObject done = f.awaitState(id, "COMPLETED", 20);
    assertThat(count(done, "SUCCEEDED")).isEqualTo(1);
    assertThat(d.errors).containsExactly("URL_EXPIRED");
    assertThat(d.links).hasSize(2);
    assertThat(d.links.get(1)).isNotEqualTo(d.links.get(0));
    assertThat(f.execution(id, "exp-1").getInteger("attempt")).isEqualTo(1); // not a retry
  }

  @Test
  void anOfflineDeviceWaitsInNotifiedAndCatchesUpWhenItReconnects() throws Exception {
    SimulatedDevice away = f.device("off-1", "3.0.0");
    away.disconnect();
    String id = f.create(rollout(devicesTarget("off-1"))).getString("id");
    f.await(id, v -> count(v, "NOTIFIED") == 1, 10, "off-1 told");
    Thread.sleep(1500); // a few sweeps: waiting offline is no failure
    JsonObject waiting = f.rollout(id);
    assertThat(waiting.getString("state")).isEqualTo("RUNNING");
    assertThat(count(waiting, "NOTIFIED")).isEqualTo(1);
    assertThat(f.broker.gauge("shadowmq.rollout.executions", "state", "NOTIFIED")).isGreaterThanOrEqualTo(1);

    away.connect(); // subscribing to its delta brings the instruction at once
    f.awaitState(id, "COMPLETED", 20);
    assertThat(away.version).isEqualTo("3.1.0");
  }

  @Test
  void aDeviceInOneRolloutIsSkippedByAnotherUnlessTheOtherSupersedes() throws Exception {
    f.device("two-1", "3.0.0").behaviour = SimulatedDevice.Behaviour.IGNORE;
    f.device("two-2", "3.0.0").behaviour = SimulatedDevice.Behaviour.IGNORE;
    String first = f.create(rollout(devicesTarget("two-1", "two-2"))).getString("id");
    f.await(first, v -> count(v, "NOTIFIED") == 2, 10, "both told");

    String second = f.create(rollout(devicesTarget("two-1"))).getString("id");
    JsonObject skipped = f.await(second, v -> v.getString("state").equals("COMPLETED"), 10, "nothing to do");
    assertThat(count(skipped, "SKIPPED")).isEqualTo(1);
    assertThat(f.execution(second, "two-1").getString("skipReason")).isEqualTo("in rollout " + first);

    String third = f.create(rollout(devicesTarget("two-1")).put("supersede", true)).getString("id");
    f.await(third, v -> count(v, "NOTIFIED") == 1, 10, "two-1 told by the third");
    JsonObject taken = f.execution(first, "two-1");
    assertThat(taken.getString("state")).isEqualTo("CANCELED");
    assertThat(taken.getJsonObject("lastError").getString("code")).isEqualTo("SUPERSEDED");
    eventually(() -> {
      try {
        return third.equals(f.desiredFirmware("two-1").getString("rolloutId"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, 5, "two-1 told by the third");
    JsonObject firstView = f.await(first, v -> count(v, "CANCELED") == 1, 10, "the first counts the cancel");
    assertThat(count(firstView, "NOTIFIED")).isEqualTo(1);
  }

  @Test
  void aContinuousRolloutTakesInDevicesThatJoinItsGroupAtOnce() throws Exception {
    JsonObject tags = new JsonObject().put("fleet", "cont");
    f.registered("ct-1", "3.0.0", tags);
    SimulatedDevice other = f.registered("ct-3", "3.0.0", new JsonObject().put("fleet", "elsewhere"));
    SimulatedDevice zoned = f.registered("ct-4", "3.0.0", new JsonObject().put("fleet", "cont-b"));
    assertThat(f.api.post("/api/v1/groups", new JsonObject().put("name", "cont").put("selector", tags)).status())
        .isEqualTo(201);
    String id = f.create(rollout(new JsonObject().put("group", "cont")).put("continuous", true)).getString("id");
    f.await(id, v -> count(v, "SUCCEEDED") == 1, 20, "ct-1 updated");

    // Registered into the group: taken in well before the next rescan (300 s).
    SimulatedDevice late = f.registered("ct-2", "3.0.0", tags);
    f.await(id, v -> count(v, "SUCCEEDED") == 2, 20, "ct-2 taken in and updated");
    assertThat(late.version).isEqualTo("3.1.0");
    // Re-tagged into the group: likewise.
    assertThat(f.api.patch("/api/v1/devices/ct-3", new JsonObject().put("tags", tags)).status()).isEqualTo(200);
    f.await(id, v -> count(v, "SUCCEEDED") == 3, 20, "ct-3 taken in after its tags changed");
    assertThat(other.version).isEqualTo("3.1.0");
    // The group's selector changed to take in ct-4 (the devices updated so far keep their executions).
    assertThat(f.api.patch("/api/v1/groups/cont", new JsonObject().put("selector", new JsonObject()
        .put("fleet", "cont-b"))).status()).isEqualTo(200);
    JsonObject all = f.await(id, v -> count(v, "SUCCEEDED") >= 4 && f.executionOrNull(id, "ct-4") != null, 20,
        "ct-4 taken in after the group's selector changed");
    assertThat(all.getString("state")).isEqualTo("RUNNING"); // it keeps watching the group
    eventually(() -> "3.1.0".equals(zoned.version), 10, "ct-4 updated");
    assertThat(f.action(id, "cancel").getString("state")).isEqualTo("CANCELED");
  }

  @Test
  void anOperatorPausesResumesAndRollsBackACompletedRollout() throws Exception {
    f.release("gw-fw", "3.0.0", new JsonObject()); // what a rollback goes back to
    SimulatedDevice a = f.device("op-a", "3.0.0");
    SimulatedDevice b = f.device("op-b", "3.0.0");
    String id = f.create(rollout(devicesTarget("op-a", "op-b"))
        .put("waves", new JsonObject().put("sizes", new JsonArray().add(1).add(2)))
        .put("successGate", new JsonObject().put("percent", 100).put("bakeSeconds", 1))).getString("id");
    f.await(id, v -> count(v, "SUCCEEDED") == 1, 20, "op-a updated");
    assertThat(f.action(id, "pause").getString("state")).isEqualTo("PAUSED");
    Thread.sleep(1500); // longer than the bake: a paused rollout tells nobody
    assertThat(f.execution(id, "op-b").getString("state")).isEqualTo("QUEUED");
    assertThat(f.action(id, "resume").getString("state")).isEqualTo("RUNNING");
    f.awaitState(id, "COMPLETED", 20);
    assertThat(b.version).isEqualTo("3.1.0");

    JsonObject rolledBack = f.action(id, "rollback");
    assertThat(rolledBack.getString("state")).isEqualTo("ROLLED_BACK");
    assertThat(rolledBack.getString("reason")).isEqualTo("rolled back by an operator");
    eventually(() -> "3.0.0".equals(a.version) && "3.0.0".equals(b.version), 20, "both back on 3.0.0");
    assertThat(f.desiredFirmware("op-a").getJsonArray("artifacts").getJsonObject(0).getString("url"))
        .contains("device=op-a"); // the old release's image, with a link of its own
  }

  @Test
  void aRolloutWithAStartTimeWaitsForIt() throws Exception {
    f.device("at-1", "3.0.0");
    JsonObject created = f.create(rollout(devicesTarget("at-1"))
        .put("startAt", java.time.Instant.now().plusSeconds(2).toString()));
    assertThat(created.getString("state")).isEqualTo("SCHEDULED");
    String id = created.getString("id");
    JsonObject waiting = f.await(id, v -> count(v, "QUEUED") == 1, 10, "at-1 queued");
    assertThat(waiting.getString("state")).isEqualTo("SCHEDULED");
    f.awaitState(id, "COMPLETED", 20);
    assertThat(Instant.parse(f.execution(id, "at-1").getString("notifiedAt")))
        .isAfterOrEqualTo(Instant.parse(created.getJsonObject("spec").getString("startAt")));
  }

  @Test
  void aRolloutThatNeedsApprovalWaitsForIt() throws Exception {
    f.device("ap-1", "3.0.0");
    JsonObject created = f.create(rollout(devicesTarget("ap-1")).put("requireApproval", true));
    String id = created.getString("id");
    assertThat(created.getString("state")).isEqualTo("WAITING_APPROVAL");
    f.await(id, v -> count(v, "QUEUED") == 1, 10, "ap-1 queued");
    Thread.sleep(300); // nobody is told while it waits
    assertThat(f.execution(id, "ap-1").getString("state")).isEqualTo("QUEUED");
    assertThat(f.action(id, "approve").getString("state")).isEqualTo("RUNNING");
    f.awaitState(id, "COMPLETED", 20);
  }

  @Test
  void updateNowUpdatesOneDeviceAtOnce() throws Exception {
    SimulatedDevice d = f.device("now-1", "3.0.0");
    ApiClient.Response r = f.api.post("/api/v1/devices/now-1/update-now", new JsonObject().put("releaseId", release));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    f.awaitState(r.json().getString("id"), "COMPLETED", 20);
    assertThat(d.version).isEqualTo("3.1.0");
    assertThat(f.api.post("/api/v1/devices/now-1/update-now", new JsonObject()).json().getJsonObject("error")
        .getString("field")).isEqualTo("releaseId");
  }

  @Test
  void badRequestsAreRefusedNamingTheField() throws Exception {
    assertField(new JsonObject().put("target", devicesTarget("x")), "releaseId");
    assertField(new JsonObject().put("releaseId", release), "target");
    assertField(new JsonObject().put("releaseId", "nope").put("target", devicesTarget("x")), "releaseId");
    assertField(new JsonObject().put("releaseId", release).put("target", new JsonObject().put("group", "no-such")),
        "target.group");
    assertField(new JsonObject().put("releaseId", release).put("target", devicesTarget("a/b")), "target.devices[0]");
    assertField(rollout(devicesTarget("x")).put("delivery", "carrier-pigeon"), "delivery");
    assertField(rollout(devicesTarget("x")).put("waves", new JsonObject().put("sizes", new JsonArray().add(2).add("ten%"))),
        "waves.sizes[1]");
    assertField(rollout(devicesTarget("x")).put("waves", new JsonObject().put("canary", 0)), "waves.canary");
    assertField(rollout(devicesTarget("x")).put("maxInProgress", 0), "maxInProgress");
    assertField(rollout(devicesTarget("x")).put("successGate", new JsonObject().put("percent", 101)), "successGate.percent");
    assertField(rollout(devicesTarget("x")).put("failureThreshold", new JsonObject().put("action", "explode")),
        "failureThreshold.action");
    assertField(rollout(devicesTarget("x")).put("timeouts", new JsonObject().put("inProgressSeconds", -1)),
        "timeouts.inProgressSeconds");
    assertField(rollout(devicesTarget("x")).put("retries", new JsonObject().put("max", "two")), "retries.max");
    assertField(rollout(devicesTarget("x")).put("startAt", "tomorrow"), "startAt");
    assertField(rollout(devicesTarget("x")).put("colour", "blue"), "colour");
    assertThat(f.api.get("/api/v1/rollouts/ro-none").status()).isEqualTo(404);
    assertThat(f.api.post("/api/v1/rollouts/ro-none/pause", null).status()).isEqualTo(404);
    assertThat(f.api.get("/api/v1/rollouts/ro-none/devices").status()).isEqualTo(404);
    ApiClient.Response badState = f.api.get("/api/v1/rollouts/ro-none/devices?state=DONE");
    assertThat(badState.json().getJsonObject("error").getString("field")).isEqualTo("state");
    // a release a rollout is running cannot be deleted
    f.device("del-1", "3.0.0").behaviour = SimulatedDevice.Behaviour.IGNORE;
    String inUse = f.release("pinned-fw", "9.0.0", new JsonObject());
    f.create(new JsonObject().put("releaseId", inUse).put("target", devicesTarget("del-1")));
    assertThat(f.api.delete("/api/v1/releases/" + inUse).status()).isEqualTo(409);
  }

  private static void assertField(JsonObject request, String field) throws Exception {
    ApiClient.Response r = f.api.post("/api/v1/rollouts", request);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().getJsonObject("error").getString("field")).as(r.body()).isEqualTo(field);
  }
}
