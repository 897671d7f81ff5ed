package io.shadowmq.broker.rollout;

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
      // the delta emptied: desired keeps only the version
      assertThat(f.desiredFirmware(d.id)).as(d.id).isEqualTo(d.id.equals("mw-7") ? null
          : new JsonObject().put("version", "2.0.0"));
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
    assertThat(f.devices.get(0).statuses).contains("verified", "applyComplete");
    // events for back-ends: every device transition and the rollout's end
    eventually(() -> f.events.stream().anyMatch(e -> id.equals(e.getString("rolloutId"))
        && "COMPLETED".equals(e.getString("state")) && "rollout".equals(e.getString("type"))), 10, "completion event");
    assertThat(f.events.stream().filter(e -> id.equals(e.getString("rolloutId")) && "execution".equals(e.getString("type"))
        && "SUCCEEDED".equals(e.getString("state"))).count()).isEqualTo(6);
    // deployment history per device and per group
    JsonArray history = f.api.get("/api/v1/devices/mw-1/rollouts").json().getJsonArray("items");
    assertThat(history.getJsonObject(0).getString("rolloutId")).isEqualTo(id);
    assertThat(history.getJsonObject(0).getString("state")).isEqualTo("SUCCEEDED");
    JsonArray groupHistory = f.api.get("/api/v1/groups/line-3/rollouts").json().getJsonArray("items");
    assertThat(groupHistory.stream().map(r -> ((JsonObject) r).getString("id")).toList()).containsExactly(id);
  }
}
