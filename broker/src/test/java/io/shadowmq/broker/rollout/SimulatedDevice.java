package io.shadowmq.broker.rollout;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.shadowmq.broker.TestBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A device that follows the firmware protocol over MQTT (HiveMQ MQTT 5 client) as a real one does:
 * it reports its version, hears its shadow delta (or the {@code firmwareUpdate} method), downloads
 * every artifact over HTTP, checks size and SHA-256, "applies" the image and reports each status.
 * Images carry their version in a first line {@code fw-version=X}. It keeps the previous image (an
 * A/B device): told to go back to it, it switches without a download. How it behaves is chosen per
 * device: succeed, fail the download or the apply, stall after starting, or ignore everything.
 */
final class SimulatedDevice implements AutoCloseable {
  enum Behaviour { SUCCEED, FAIL_DOWNLOAD, FAIL_APPLY, STALL, IGNORE, LINK_EXPIRES_ONCE }

  private static final ScheduledExecutorService WORK = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "simulated-devices");
    t.setDaemon(true);
    return t;
  });
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final String id;
  private final TestBroker broker;
  private final String password;
  private Mqtt5AsyncClient mqtt;
  volatile Behaviour behaviour = Behaviour.SUCCEED;
  volatile String version;
  volatile String previousVersion;
  private volatile String rolloutId;
  private volatile boolean busy;
  private JsonObject waiting;
  private String followed;
  /** Every status this device reported, in order ("downloading", "applyComplete", ...). */
  final List<String> statuses = new CopyOnWriteArrayList<>();
  /** Every error code this device reported. */
  final List<String> errors = new CopyOnWriteArrayList<>();
  /** Every download link it was given, in order. */
  final List<String> links = new CopyOnWriteArrayList<>();
  /** How many method calls it answered. */
  final List<String> methodCalls = new CopyOnWriteArrayList<>();

  SimulatedDevice(TestBroker broker, String id, String password, String version) {
    this.broker = broker;
    this.id = id;
    this.password = password;
    this.version = version;
  }

  /** Connects, reports its version, then subscribes (a delta waiting for it arrives at once). */
  SimulatedDevice connect() throws Exception {
    mqtt = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(broker.port())
        .buildAsync();
    if (password != null) {
      mqtt.connectWith().cleanStart(true).simpleAuth().username(id).password(password.getBytes(StandardCharsets.UTF_8))
          .applySimpleAuth().send().get(10, TimeUnit.SECONDS);
    } else {
      mqtt.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
    }
    report(new JsonObject().put("version", version).put("status", "waiting")).get(10, TimeUnit.SECONDS);
    mqtt.subscribeWith().topicFilter("$iothub/methods/POST/#").qos(MqttQos.AT_LEAST_ONCE).callback(this::onMethod)
        .send().get(10, TimeUnit.SECONDS);
    mqtt.subscribeWith().topicFilter("$aws/things/" + id + "/shadow/update/delta").qos(MqttQos.AT_LEAST_ONCE)
        .callback(this::onDelta).send().get(10, TimeUnit.SECONDS);
    return this;
  }

  void disconnect() throws Exception {
    mqtt.disconnect().get(10, TimeUnit.SECONDS);
  }

  private void onDelta(Mqtt5Publish p) {
    JsonObject state = new JsonObject(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).getJsonObject("state");
    JsonObject fw = state == null ? null : state.getJsonObject("firmware");
    if (fw == null || behaviour == Behaviour.IGNORE) {
      return;
    }
    instruct(fw);
  }

  /** Follows a desired firmware; one that comes while an update runs waits for its end. */
  private synchronized void instruct(JsonObject fw) {
    if (busy) {
      waiting = fw;
      return;
    }
    String target = fw.getString("version");
    if (fw.getString("rolloutId") != null) {
      rolloutId = fw.getString("rolloutId");
    }
    JsonArray artifacts = fw.getJsonArray("artifacts");
    if (target == null || target.equals(version)) {
      return;
    }
    // Each instruction is followed once: the deltas that come with the device's own reports repeat it.
    String instruction = target + " " + artifacts;
    if (instruction.equals(followed)) {
      return;
    }
    followed = instruction;
    if ((artifacts == null || artifacts.isEmpty()) && target.equals(previousVersion)) {
      WORK.execute(this::switchBack);
      return;
    }
    if (artifacts == null || artifacts.isEmpty()) {
      return;
    }
    busy = true;
    WORK.execute(() -> update(artifacts, false));
  }

  private void onMethod(Mqtt5Publish p) {
    String topic = p.getTopic().toString();
    String rid = topic.substring(topic.indexOf("$rid=") + 5);
    String method = topic.split("/")[3];
    methodCalls.add(method);
    if (behaviour == Behaviour.IGNORE) {
      return; // no answer: the broker sees a timeout
    }
    mqtt.publishWith().topic("$iothub/methods/res/200/?$rid=" + rid).payload("{}".getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE).send();
    if (!method.equals("firmwareUpdate") || busy) {
      return;
    }
    String url = new JsonObject(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).getString("fwPackageUri");
    busy = true;
    WORK.execute(() -> update(new JsonArray().add(new JsonObject().put("name", "image").put("url", url)), true));
  }

  /** Downloads and checks every artifact, then applies; every step reported. */
  private void update(JsonArray artifacts, boolean method) {
    try {
      status(method, "downloading", null, null);
      if (behaviour == Behaviour.STALL) {
        status(method, "downloading", null, null, 40);
        return; // stays busy and silent at 40 %
      }
      links.add(artifacts.getJsonObject(0).getString("url"));
      if (behaviour == Behaviour.LINK_EXPIRES_ONCE) {
        behaviour = Behaviour.SUCCEED; // as if the link had expired before the device got to it
        fail(method, "downloadFailed", "URL_EXPIRED", "the download link has expired");
        return;
      }
      String imageVersion = null;
      for (int i = 0; i < artifacts.size(); i++) {
        JsonObject a = artifacts.getJsonObject(i);
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(a.getString("url"))).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        if (behaviour == Behaviour.FAIL_DOWNLOAD || r.statusCode() != 200) {
          String code = r.statusCode() == 403 && r.body().length > 0
              && new String(r.body(), StandardCharsets.UTF_8).contains("expired") ? "URL_EXPIRED" : "NETWORK";
          fail(method, "downloadFailed", code, "download of " + a.getString("name") + " answered " + r.statusCode());
          return;
        }
        byte[] body = r.body();
        if (a.containsKey("sha256")) {
          String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
          if (!sha.equals(a.getString("sha256")) || body.length != a.getLong("size")) {
            fail(method, "downloadFailed", "CHECKSUM_MISMATCH", a.getString("name") + " does not match its sha256");
            return;
          }
        }
        String first = new String(body, 0, Math.min(body.length, 64), StandardCharsets.UTF_8).split("\n")[0];
        if (first.startsWith("fw-version=")) {
          imageVersion = first.substring("fw-version=".length());
        }
      }
      statuses.add("verified");
      status(method, "downloadComplete", null, null);
      status(method, "applying", null, null);
      String installed = imageVersion;
      WORK.schedule(() -> {
        if (behaviour == Behaviour.FAIL_APPLY || installed == null) {
          fail(method, "applyFailed", "APPLY_ERROR", "the image did not boot");
          return;
        }
        previousVersion = version;
        version = installed; // after the reboot: the new version, applied
        status(method, "applyComplete", null, null);
        done();
      }, 100, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      fail(method, "downloadFailed", "NETWORK", e.toString());
    }
  }

  private void switchBack() {
    String current = version;
    version = previousVersion;
    previousVersion = current;
    status(false, "applyComplete", null, null);
  }

  private void fail(boolean method, String status, String code, String message) {
    errors.add(code);
    status(method, status, code, message);
    done();
  }

  private synchronized void done() {
    busy = false;
    JsonObject next = waiting;
    waiting = null;
    if (next != null) {
      instruct(next);
    }
  }

  private void status(boolean method, String status, String code, String message) {
    status(method, status, code, message, status.equals("applyComplete") ? 100 : 0);
  }

  private void status(boolean method, String status, String code, String message, int progress) {
    statuses.add(status);
    JsonObject error = code == null ? null : new JsonObject().put("code", code).put("message", message);
    if (method) {
      JsonObject update = new JsonObject().put("status", status);
      if (error != null) {
        update.put("error", error);
      }
      publish(new JsonObject().put("firmware", new JsonObject().put("version", version))
          .put("iothubDM", new JsonObject().put("firmwareUpdate", update)));
      return;
    }
    JsonObject fw = new JsonObject().put("version", version).put("rolloutId", rolloutId).put("status", status)
        .put("progress", progress);
    fw.put("error", error); // null removes an earlier error
    report(fw);
  }

  private java.util.concurrent.CompletableFuture<?> report(JsonObject firmware) {
    return publish(new JsonObject().put("firmware", firmware));
  }

  private java.util.concurrent.CompletableFuture<?> publish(JsonObject reported) {
    byte[] body = new JsonObject().put("state", new JsonObject().put("reported", reported)).encode()
        .getBytes(StandardCharsets.UTF_8);
    return mqtt.publishWith().topic("$aws/things/" + id + "/shadow/update").payload(body)
        .qos(MqttQos.AT_LEAST_ONCE).send();
  }

  @Override
  public void close() {
    try {
      if (mqtt != null && mqtt.getState().isConnected()) {
        mqtt.disconnect().get(5, TimeUnit.SECONDS);
      }
    } catch (Exception ignored) {
      // the broker may be gone already at the end of a test
    }
  }
}
