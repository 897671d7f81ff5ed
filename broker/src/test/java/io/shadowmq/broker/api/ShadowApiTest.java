package io.shadowmq.broker.api;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.TestBroker;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shadows over HTTP, the application side of the shadow pattern, against a broker with its
 * embedded PostgreSQL: a desired change made over HTTP reaches the device as a delta over MQTT,
 * with the same versions, conflicts, limits and messages as over MQTT.
 */
@Timeout(60)
class ShadowApiTest {
  static TestBroker broker;
  static ApiClient api;
  Clients clients;

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.startWithStorage("--shadow-max-document-size", "512");
    api = new ApiClient(broker, broker.adminToken());
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    broker.close();
  }

  @BeforeEach
  void openClients() {
    clients = new Clients(broker);
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }

  static JsonObject desired(JsonObject state) {
    return new JsonObject().put("state", new JsonObject().put("desired", state));
  }

  @Test
  void aDesiredChangeOverHttpReachesTheDeviceAsADelta() throws Exception {
    Mqtt5BlockingClient device = clients.hive5("lamp-1");
    device.connect();
    Mqtt5BlockingClient.Mqtt5Publishes inbox = device.publishes(MqttGlobalPublishFilter.SUBSCRIBED);
    device.subscribeWith().topicFilter("state/lamp-1/update/delta").qos(MqttQos.AT_LEAST_ONCE).send();

    ApiClient.Response r = api.patch("/api/v1/devices/lamp-1/shadow", desired(new JsonObject().put("colour", "red")));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getLong("version")).isEqualTo(1);
    Mqtt5Publish delta = inbox.receive(10, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("no delta"));
    JsonObject body = new JsonObject(new String(delta.getPayloadAsBytes(), StandardCharsets.UTF_8));
    assertThat(body.getJsonObject("state").getString("colour")).isEqualTo("red");
    assertThat(body.getLong("version")).isEqualTo(1);

    // The device reports over MQTT; the application reads the whole document over HTTP.
    device.publishWith().topic("$aws/things/lamp-1/shadow/update")
        .payload("{\"state\":{\"reported\":{\"colour\":\"red\"}}}".getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE).send();
    org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
        .until(() -> api.get("/api/v1/devices/lamp-1/shadow").json().getLong("version") == 2);
    JsonObject doc = api.get("/api/v1/devices/lamp-1/shadow").json();
    assertThat(doc.getJsonObject("state").getJsonObject("reported").getString("colour")).isEqualTo("red");
    assertThat(doc.getJsonObject("state").containsKey("delta")).isFalse();
  }

  @Test
  void aStaleVersionIsRefusedWith409AndChangesNothing() throws Exception {
    assertThat(api.patch("/api/v1/devices/fan-1/shadow", desired(new JsonObject().put("speed", 1))).status()).isEqualTo(200);

    ApiClient.Response stale = api.patch("/api/v1/devices/fan-1/shadow",
        desired(new JsonObject().put("speed", 9)).put("version", 0));
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.errorCode()).isEqualTo("version_conflict");
    assertThat(stale.json().getJsonObject("error").getString("message")).isEqualTo("Version conflict");

    ApiClient.Response ok = api.patch("/api/v1/devices/fan-1/shadow", desired(new JsonObject().put("speed", 2)).put("version", 1));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(api.get("/api/v1/devices/fan-1/shadow").json().getJsonObject("state").getJsonObject("desired")
        .getInteger("speed")).isEqualTo(2);
  }

  @Test
  void namedShadowsAreListedReadAndDeleted() throws Exception {
    assertThat(api.get("/api/v1/devices/pump-3/shadow").status()).isEqualTo(404);
    assertThat(api.patch("/api/v1/devices/pump-3/shadow?name=config", desired(new JsonObject().put("mode", "eco"))).status())
        .isEqualTo(200);
    assertThat(api.patch("/api/v1/devices/pump-3/shadow?name=alarms", desired(new JsonObject().put("on", true))).status())
        .isEqualTo(200);

    assertThat(api.get("/api/v1/devices/pump-3/shadows").json().getJsonArray("names").getList())
        .containsExactly("alarms", "config");
    assertThat(api.get("/api/v1/devices/pump-3/shadow?name=config").json().getJsonObject("state")
        .getJsonObject("delta").getString("mode")).isEqualTo("eco");

    ApiClient.Response deleted = api.delete("/api/v1/devices/pump-3/shadow?name=alarms");
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().getLong("version")).isEqualTo(1);
    ApiClient.Response gone = api.get("/api/v1/devices/pump-3/shadow?name=alarms");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().getJsonObject("error").getString("message")).isEqualTo("No shadow exists with name: alarms");
    assertThat(api.get("/api/v1/devices/pump-3/shadows").json().getJsonArray("names").getList()).containsExactly("config");
  }

  @Test
  void limitsAndMalformedRequestsGetTheShadowServicesCodes() throws Exception {
    ApiClient.Response tooBig = api.patch("/api/v1/devices/big-1/shadow", desired(new JsonObject().put("blob", "x".repeat(600))));
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.errorCode()).isEqualTo("payload_too_large");

    ApiClient.Response noState = api.patch("/api/v1/devices/big-1/shadow", new JsonObject().put("version", 1));
    assertThat(noState.status()).isEqualTo(400);
    assertThat(noState.json().getJsonObject("error").getString("message")).isEqualTo("Missing required node: state");

    ApiClient.Response notJson = api.send("PATCH", "/api/v1/devices/big-1/shadow", "{nope");
    assertThat(notJson.status()).isEqualTo(400);

    ApiClient.Response badName = api.get("/api/v1/devices/big-1/shadow?name=a%20b");
    assertThat(badName.status()).isEqualTo(400);
    assertThat(api.get("/api/v1/devices/big-1/shadow").status()).as("nothing was stored").isEqualTo(404);
  }
}
