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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Groups (tag selectors and their members), connected clients (list, kick), retained messages
 * (list, delete) and publishing, over HTTP against a broker with its embedded PostgreSQL, with
 * real MQTT clients on the other side.
 */
@Timeout(60)
class FleetApiTest {
  static TestBroker broker;
  static ApiClient api;
  Clients clients;

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.startWithStorage();
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

  @Test
  void aGroupsMembersAreTheDevicesItsSelectorMatches() throws Exception {
    for (String[] d : new String[][] {{"g-1", "berlin", "l3"}, {"g-2", "berlin", "l4"}, {"g-3", "berlin", "l3"},
        {"g-4", "paris", "l3"}}) {
      assertThat(api.post("/api/v1/devices", new JsonObject().put("id", d[0])
          .put("tags", new JsonObject().put("site", d[1]).put("line", d[2]))).status()).isEqualTo(201);
    }
    ApiClient.Response made = api.post("/api/v1/groups", new JsonObject().put("name", "line-3")
        .put("selector", new JsonObject().put("site", "berlin").put("line", "l3")));
    assertThat(made.status()).as(made.body()).isEqualTo(201);

    assertThat(DeviceApiTest.ids(api.get("/api/v1/groups/line-3/members"))).containsExactly("g-1", "g-3");
    ApiClient.Response firstPage = api.get("/api/v1/groups/line-3/members?limit=1");
    assertThat(DeviceApiTest.ids(firstPage)).containsExactly("g-1");
    assertThat(DeviceApiTest.ids(api.get("/api/v1/groups/line-3/members?limit=1&cursor="
        + firstPage.json().getString("nextCursor")))).containsExactly("g-3");

    assertThat(api.patch("/api/v1/groups/line-3", new JsonObject().put("selector", new JsonObject().put("line", "l3")))
        .status()).isEqualTo(200);
    assertThat(DeviceApiTest.ids(api.get("/api/v1/groups/line-3/members"))).containsExactly("g-1", "g-3", "g-4");
    assertThat(api.get("/api/v1/groups").json().getJsonArray("items")).hasSize(1);

    ApiClient.Response dup = api.post("/api/v1/groups", new JsonObject().put("name", "line-3")
        .put("selector", new JsonObject()));
    assertThat(dup.status()).isEqualTo(409);
    ApiClient.Response badSelector = api.post("/api/v1/groups", new JsonObject().put("name", "bad")
        .put("selector", new JsonObject().put("site", 7)));
    assertThat(badSelector.status()).isEqualTo(400);
    assertThat(badSelector.json().getJsonObject("error").getString("field")).isEqualTo("selector.site");

    assertThat(api.delete("/api/v1/groups/line-3").status()).isEqualTo(204);
    assertThat(api.get("/api/v1/groups/line-3/members").status()).isEqualTo(404);
    assertThat(api.get("/api/v1/devices/g-1").status()).as("the devices stay").isEqualTo(200);
  }

  @Test
  void connectedClientsAreListedAndAKickedOneIsDisconnected() throws Exception {
    Mqtt5BlockingClient a = clients.hive5("app-a");
    a.connect();
    a.subscribeWith().topicFilter("x/#").send();
    Mqtt5BlockingClient b = clients.hive5("app-b");
    b.connect();

    ApiClient.Response r = api.get("/api/v1/clients?prefix=app-");
    assertThat(DeviceApiTest.ids(r)).containsExactly("app-a", "app-b");
    JsonObject first = r.json().getJsonArray("items").getJsonObject(0);
    assertThat(first.getInteger("subscriptions")).isEqualTo(1);
    assertThat(first.getString("listener")).isEqualTo("tcp");

    assertThat(api.delete("/api/v1/clients/app-a").status()).isEqualTo(204);
    await().atMost(10, TimeUnit.SECONDS).until(() -> !a.getState().isConnected());
    assertThat(DeviceApiTest.ids(api.get("/api/v1/clients?prefix=app-"))).containsExactly("app-b");
    assertThat(api.delete("/api/v1/clients/app-a").status()).isEqualTo(404);
    assertThat(broker.counter("shadowmq.connections.closed", "reason", "administrative")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void publishReachesSubscribersAndRetainedMessagesAreListedAndDeleted() throws Exception {
    Mqtt5BlockingClient sub = clients.hive5("listener-1");
    sub.connect();
    Mqtt5BlockingClient.Mqtt5Publishes inbox = sub.publishes(MqttGlobalPublishFilter.SUBSCRIBED);
    sub.subscribeWith().topicFilter("site/#").qos(MqttQos.AT_LEAST_ONCE).send();

    ApiClient.Response published = api.post("/api/v1/publish", new JsonObject().put("topic", "site/a/status")
        .put("payload", "open").put("qos", 1).put("retain", true));
    assertThat(published.status()).as(published.body()).isEqualTo(200);
    assertThat(published.json().getInteger("receivers")).isEqualTo(1);
    Mqtt5Publish got = inbox.receive(10, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("nothing arrived"));
    assertThat(new String(got.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("open");
    assertThat(api.post("/api/v1/publish", new JsonObject().put("topic", "site/b/status")
        .put("payloadBase64", "AAEC").put("retain", true)).status()).isEqualTo(200);

    var items = api.get("/api/v1/retained?filter=site/%2B/status").json().getJsonArray("items");
    assertThat(items).hasSize(2);
    assertThat(items.getJsonObject(0).getString("topic")).isEqualTo("site/a/status");
    assertThat(items.getJsonObject(0).getString("payload")).isEqualTo("open");
    assertThat(items.getJsonObject(1).getString("payloadBase64")).isEqualTo("AAEC");

    assertThat(api.delete("/api/v1/retained?topic=site/a/status").status()).isEqualTo(204);
    assertThat(api.get("/api/v1/retained?filter=site/%23").json().getJsonArray("items")).hasSize(1);
    assertThat(api.delete("/api/v1/retained?topic=site/a/status").status()).isEqualTo(404);
  }

  @Test
  void reservedTopicsAndBadFiltersAreRefused() throws Exception {
    for (String topic : List.of("$iothub/methods/POST/reboot/?$rid=1", "$aws/things/x/shadow/update", "a/+/b", "$SYS/x")) {
      ApiClient.Response r = api.post("/api/v1/publish", new JsonObject().put("topic", topic));
      assertThat(r.status()).as(topic).isEqualTo(400);
      assertThat(r.json().getJsonObject("error").getString("field")).isEqualTo("topic");
    }
    ApiClient.Response badFilter = api.get("/api/v1/retained?filter=a/%23/b");
    assertThat(badFilter.status()).isEqualTo(400);
    assertThat(badFilter.json().getJsonObject("error").getString("field")).isEqualTo("filter");
  }
}
