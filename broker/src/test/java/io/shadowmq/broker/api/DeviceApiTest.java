package io.shadowmq.broker.api;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.TestBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The device registry over HTTP, against a broker with its embedded PostgreSQL: devices made over
 * the API log in over MQTT with the password the API gave out, lists page and filter, changes
 * take effect on the connection, bad input gets a 400 that names the field.
 */
@Timeout(120)
class DeviceApiTest {
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

  static String create(String id, JsonObject tags) throws Exception {
    ApiClient.Response r = api.post("/api/v1/devices", new JsonObject().put("id", id).put("tags", tags));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("password");
  }

  Mqtt5BlockingClient login(String id, String password) {
    Mqtt5BlockingClient c = clients.hive5(id);
    c.connectWith().simpleAuth().username(id).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
        .send();
    return c;
  }

  @Test
  void aDeviceMadeOverTheApiLogsInWithTheGeneratedPasswordAndShowsOnline() throws Exception {
    String password = create("meter-1", new JsonObject().put("site", "berlin"));
    assertThat(password).hasSizeGreaterThan(20);

    JsonObject offline = api.get("/api/v1/devices/meter-1").json();
    assertThat(offline.getBoolean("online")).isFalse();
    assertThat(offline.getJsonObject("tags").getString("site")).isEqualTo("berlin");
    assertThat(offline.getJsonObject("credentials").getBoolean("password")).isTrue();
    assertThat(offline.containsKey("password")).as("the password is shown once only").isFalse();

    login("meter-1", password);

    JsonObject online = api.get("/api/v1/devices/meter-1").json();
    assertThat(online.getBoolean("online")).isTrue();
    assertThat(online.getJsonObject("connection").getString("address")).startsWith("127.0.0.1:");
    assertThat(online.getJsonObject("connection").getString("protocol")).isEqualTo("mqtt-5");
    // last-seen times are written in batches every 5 s
    await().atMost(15, TimeUnit.SECONDS).until(() -> api.get("/api/v1/devices/meter-1").json().getValue("lastSeenAt") != null);
  }

  @Test
  void listsPageByCursorAndFilterByTagPrefixAndOnlineState() throws Exception {
    List<String> passwords = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      passwords.add(create("list-" + i, new JsonObject().put("site", i % 2 == 0 ? "paris" : "rome").put("line", "l" + i)));
    }
    create("other-1", new JsonObject().put("site", "paris"));

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      ApiClient.Response r = api.get("/api/v1/devices?prefix=list-&limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(r.status()).isEqualTo(200);
      r.json().getJsonArray("items").forEach(d -> seen.add(((JsonObject) d).getString("id")));
      cursor = r.json().getString("nextCursor");
      pages++;
    } while (cursor != null);
    assertThat(seen).containsExactly("list-1", "list-2", "list-3", "list-4", "list-5", "list-6", "list-7");
    assertThat(pages).isEqualTo(3);

    assertThat(ids(api.get("/api/v1/devices?tag=site:paris&prefix=list-"))).containsExactly("list-2", "list-4", "list-6");
    assertThat(ids(api.get("/api/v1/devices?tag=site:paris&tag=line:l4"))).containsExactly("list-4");

    login("list-3", passwords.get(2));
    login("list-6", passwords.get(5));
    assertThat(ids(api.get("/api/v1/devices?online=true&prefix=list-"))).containsExactly("list-3", "list-6");
    assertThat(ids(api.get("/api/v1/devices?online=true&tag=site:paris"))).containsExactly("list-6");
    assertThat(ids(api.get("/api/v1/devices?online=false&prefix=list-&limit=2"))).containsExactly("list-1", "list-2");
    ApiClient.Response offline = api.get("/api/v1/devices?online=false&prefix=list-&limit=10");
    assertThat(ids(offline)).containsExactly("list-1", "list-2", "list-4", "list-5", "list-7");
    assertThat(offline.json().containsKey("nextCursor")).isFalse();
  }

  static List<String> ids(ApiClient.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    JsonArray items = r.json().getJsonArray("items");
    items.forEach(d -> out.add(((JsonObject) d).getString("id")));
    return out;
  }

  @Test
  void disablingADeviceDisconnectsItAndItsNextLoginIsRefused() throws Exception {
    String password = create("pump-9", new JsonObject());
    Mqtt5BlockingClient device = login("pump-9", password);

    ApiClient.Response r = api.patch("/api/v1/devices/pump-9", new JsonObject().put("enabled", false)
        .put("tags", new JsonObject().put("site", "oslo")));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getBoolean("enabled")).isFalse();
    assertThat(r.json().getJsonObject("tags").getString("site")).isEqualTo("oslo");

    await().atMost(10, TimeUnit.SECONDS).until(() -> !device.getState().isConnected());
    assertThatThrownBy(() -> login("pump-9", password)).isInstanceOfSatisfying(Mqtt5ConnAckException.class,
        e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
  }

  @Test
  void rotatedCredentialsReplaceTheOldPassword() throws Exception {
    String old = create("valve-2", new JsonObject());
    ApiClient.Response r = api.post("/api/v1/devices/valve-2/credentials", null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String fresh = r.json().getString("password");
    assertThat(fresh).isNotEqualTo(old);

    assertThatThrownBy(() -> login("valve-2", old)).isInstanceOfSatisfying(Mqtt5ConnAckException.class,
        e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
    assertThat(login("valve-2", fresh).getState().isConnected()).isTrue();

    ApiClient.Response chosen = api.post("/api/v1/devices/valve-2/credentials", new JsonObject().put("password", "chosen one"));
    assertThat(chosen.status()).isEqualTo(200);
    assertThat(chosen.json().containsKey("password")).as("a chosen password is not echoed").isFalse();
    assertThat(login("valve-2", "chosen one").getState().isConnected()).isTrue();
  }

  @Test
  void disconnectEndsTheConnectionAndDeleteRemovesTheDevice() throws Exception {
    String password = create("gate-1", new JsonObject());
    Mqtt5BlockingClient device = login("gate-1", password);

    assertThat(api.post("/api/v1/devices/gate-1/disconnect", null).status()).isEqualTo(204);
    await().atMost(10, TimeUnit.SECONDS).until(() -> !device.getState().isConnected());
    ApiClient.Response again = api.post("/api/v1/devices/gate-1/disconnect", null);
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.errorCode()).isEqualTo("device_offline");

    assertThat(api.delete("/api/v1/devices/gate-1").status()).isEqualTo(204);
    ApiClient.Response gone = api.get("/api/v1/devices/gate-1");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.errorCode()).isEqualTo("device_not_found");
    assertThat(api.delete("/api/v1/devices/gate-1").status()).isEqualTo(404);
  }

  @Test
  void badInputIsRefusedWithTheFieldNamed() throws Exception {
    ApiClient.Response badId = api.post("/api/v1/devices", new JsonObject().put("id", "a/b"));
    assertThat(badId.status()).isEqualTo(400);
    assertThat(badId.json().getJsonObject("error").getString("field")).isEqualTo("id");

    ApiClient.Response badTag = api.post("/api/v1/devices", new JsonObject().put("id", "ok-1")
        .put("tags", new JsonObject().put("site", "#")));
    assertThat(badTag.status()).isEqualTo(400);
    assertThat(badTag.json().getJsonObject("error").getString("field")).isEqualTo("tags.site");

    ApiClient.Response unknown = api.post("/api/v1/devices", new JsonObject().put("id", "ok-2").put("colour", "red"));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().getJsonObject("error").getString("field")).isEqualTo("colour");

    ApiClient.Response notJson = api.send("POST", "/api/v1/devices", "{\"id\": ");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.errorCode()).isEqualTo("invalid_json");

    ApiClient.Response badLimit = api.get("/api/v1/devices?limit=0");
    assertThat(badLimit.status()).isEqualTo(400);
    assertThat(badLimit.json().getJsonObject("error").getString("field")).isEqualTo("limit");

    create("dup-1", new JsonObject());
    ApiClient.Response dup = api.post("/api/v1/devices", new JsonObject().put("id", "dup-1"));
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.errorCode()).isEqualTo("device_exists");

    assertThat(api.get("/api/v1/devices").status()).as("the API still answers").isEqualTo(200);
  }
}
