package io.shadowmq.broker.rollout;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.shadowmq.broker.TestBroker;
import io.shadowmq.broker.api.ApiClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker with its embedded PostgreSQL, the admin API, firmware releases with real artifacts, and
 * simulated devices: what the rollout tests share. Each test uses its own device ids.
 */
final class RolloutFixture implements AutoCloseable {
  TestBroker broker;
  ApiClient api;
  final List<SimulatedDevice> devices = new ArrayList<>();
  /** Every event published on {@code $shadowmq/rollouts/+/events}, in arrival order. */
  final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private Mqtt5AsyncClient listener;

  RolloutFixture(String... brokerOptions) throws Exception {
    start(brokerOptions);
  }

  void start(String... brokerOptions) throws Exception {
    broker = TestBroker.startWithStorage(brokerOptions);
    api = new ApiClient(broker, broker.adminToken());
    listener = MqttClient.builder().useMqttVersion5().identifier("rollout-events").serverHost("127.0.0.1")
        .serverPort(broker.port()).buildAsync();
    listener.connect().get(10, TimeUnit.SECONDS);
    listener.subscribeWith().topicFilter("$shadowmq/rollouts/+/events").qos(MqttQos.AT_LEAST_ONCE)
        .callback(p -> events.add(new JsonObject(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))))
        .send().get(10, TimeUnit.SECONDS);
  }

  /** Stops the broker (cleanly); devices lose their connection. */
  void stop() {
    for (SimulatedDevice d : devices) {
      d.close();
    }
    try {
      listener.disconnect().get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // gone with the broker
    }
    api.close();
    broker.close();
  }

  /** An image whose first line names its version (the simulated devices read it after download). */
  static byte[] image(String version, int size) {
    byte[] head = ("fw-version=" + version + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[size];
    System.arraycopy(head, 0, b, 0, head.length);
    for (int i = head.length; i < size; i++) {
      b[i] = (byte) (i * 31 + version.hashCode());
    }
    return b;
  }

  /** A release with one artifact "image" holding {@link #image}; its id. */
  String release(String name, String version, JsonObject compatibility) throws Exception {
    ApiClient.Response made = api.post("/api/v1/releases", new JsonObject().put("name", name).put("version", version)
        .put("compatibility", compatibility));
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    String id = made.json().getString("id");
    byte[] content = image(version, 4096);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    ApiClient.Response up = api.send("PUT", "/api/v1/releases/" + id + "/artifacts/image",
        HttpRequest.BodyPublishers.ofByteArray(content),
        Map.of("Content-Type", "application/octet-stream", "X-Checksum-Sha256", sha));
    assertThat(up.status()).as(up.body()).isBetween(200, 201);
    return id;
  }

  /** A connected anonymous device running {@code version}. */
  SimulatedDevice device(String id, String version) throws Exception {
    SimulatedDevice d = new SimulatedDevice(broker, id, null, version).connect();
    devices.add(d);
    return d;
  }

  /** A device registered with these tags (it logs in with its password), connected. */
  SimulatedDevice registered(String id, String version, JsonObject tags) throws Exception {
    ApiClient.Response r = api.post("/api/v1/devices", new JsonObject().put("id", id).put("tags", tags));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    SimulatedDevice d = new SimulatedDevice(broker, id, r.json().getString("password"), version).connect();
    devices.add(d);
    return d;
  }

  /** The simulated device with this id. */
  SimulatedDevice device(String id) {
    return devices.stream().filter(d -> d.id.equals(id)).findFirst().orElseThrow();
  }

  static JsonObject devicesTarget(String... ids) {
    return new JsonObject().put("devices", new JsonArray(List.of((Object[]) ids)));
  }

  /** Creates a rollout; its view. */
  JsonObject create(JsonObject request) throws Exception {
    ApiClient.Response r = api.post("/api/v1/rollouts", request);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  JsonObject rollout(String id) throws Exception {
    ApiClient.Response r = api.get("/api/v1/rollouts/" + id);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  JsonObject action(String id, String action) throws Exception {
    ApiClient.Response r = api.post("/api/v1/rollouts/" + id + "/" + action, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  /** The rollout's executions (every page), in device order, only those in {@code state} when given. */
  List<JsonObject> executions(String id, String state) throws Exception {
    List<JsonObject> all = new ArrayList<>();
    String cursor = null;
    do {
      ApiClient.Response r = api.get("/api/v1/rollouts/" + id + "/devices?limit=2"
          + (state == null ? "" : "&state=" + state) + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      r.json().getJsonArray("items").forEach(o -> all.add((JsonObject) o));
      cursor = r.json().getString("nextCursor");
    } while (cursor != null);
    return all;
  }

  /** The device's execution of the rollout, or null when it has none (unchecked: for use in predicates). */
  JsonObject executionOrNull(String rolloutId, String device) {
    try {
      return executions(rolloutId, null).stream().filter(x -> x.getString("device").equals(device)).findFirst()
          .orElse(null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  JsonObject execution(String rolloutId, String device) throws Exception {
    return executions(rolloutId, null).stream().filter(x -> x.getString("device").equals(device)).findFirst()
        .orElseThrow();
  }

  /** The device's desired firmware in its shadow (over the admin API), or null. */
  JsonObject desiredFirmware(String device) throws Exception {
    ApiClient.Response r = api.get("/api/v1/devices/" + device + "/shadow");
    if (r.status() == 404) {
      return null;
    }
    JsonObject desired = r.json().getJsonObject("state").getJsonObject("desired");
    return desired == null ? null : desired.getJsonObject("firmware");
  }

  /** Waits (up to {@code seconds}) until the rollout's view satisfies {@code done}; the view. */
  JsonObject await(String id, Predicate<JsonObject> done, int seconds, String what) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    JsonObject view = rollout(id);
    while (!done.test(view)) {
      if (System.nanoTime() > until) {
        throw new AssertionError("rollout " + id + ": not " + what + " within " + seconds + " s: " + view.encodePrettily()
            + "\nexecutions: " + executions(id, null));
      }
      Thread.sleep(50);
      view = rollout(id);
    }
    return view;
  }

  JsonObject awaitState(String id, String state, int seconds) throws Exception {
    return await(id, v -> v.getString("state").equals(state), seconds, state);
  }

  /** Waits until {@code condition} holds (a device's own state), up to {@code seconds}. */
  static void eventually(java.util.function.BooleanSupplier condition, int seconds, String what) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("not " + what + " within " + seconds + " s");
      }
      Thread.sleep(50);
    }
  }

  static long count(JsonObject view, String state) {
    return view.getJsonObject("counts").getLong(state);
  }

  @Override
  public void close() {
    stop();
  }
}
