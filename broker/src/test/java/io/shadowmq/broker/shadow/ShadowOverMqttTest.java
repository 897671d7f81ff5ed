package io.shadowmq.broker.shadow;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.shadowmq.broker.TestBroker;
import io.shadowmq.broker.shadow.ShadowClient.Received;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The shadow over MQTT with real clients: both topic layouts, named shadows, response topics, wildcards. */
@Timeout(60)
class ShadowOverMqttTest {
  TestBroker broker;
  final List<AutoCloseable> clients = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    broker = TestBroker.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : clients) {
      c.close();
    }
    broker.close();
  }

  ShadowClient client(String id) {
    ShadowClient c = new ShadowClient(broker, id);
    clients.add(c);
    return c;
  }

  @Test
  void anUpdateIsAcceptedThenItsDeltaAndDocumentsFollow() throws Exception {
    ShadowClient app = client("app").subscribe("$aws/things/lamp-1/shadow/update/#");
    app.publish("$aws/things/lamp-1/shadow/update",
        "{\"state\":{\"desired\":{\"color\":\"red\"},\"reported\":{\"color\":\"blue\"}},\"clientToken\":\"c-1\"}");

    Received accepted = app.next();
    assertThat(accepted.topic()).isEqualTo("$aws/things/lamp-1/shadow/update/accepted");
    assertThat(accepted.body().getJsonObject("state")).isEqualTo(
        new JsonObject("{\"desired\":{\"color\":\"red\"},\"reported\":{\"color\":\"blue\"}}"));
    assertThat(accepted.body().getLong("version")).isEqualTo(1);
    assertThat(accepted.body().getString("clientToken")).isEqualTo("c-1");
    long timestamp = accepted.body().getLong("timestamp");
    assertThat(timestamp).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(5L));
    assertThat(accepted.body().getJsonObject("metadata").getJsonObject("desired").getJsonObject("color")
        .getLong("timestamp")).isEqualTo(timestamp);

    Received delta = app.next();
    assertThat(delta.topic()).isEqualTo("$aws/things/lamp-1/shadow/update/delta");
    assertThat(delta.body().getJsonObject("state")).isEqualTo(new JsonObject().put("color", "red"));

    Received documents = app.next();
    assertThat(documents.topic()).isEqualTo("$aws/things/lamp-1/shadow/update/documents");
    assertThat(documents.body().containsKey("previous")).isFalse();
    assertThat(documents.body().getJsonObject("current").getLong("version")).isEqualTo(1);
  }

  @Test
  void theShortLayoutServesTheSameClassicShadowAndHearsItsDeltas() throws Exception {
    ShadowClient device = client("pump-7").subscribe("state/pump-7/update/delta", "state/pump-7/update/accepted",
        "state/pump-7/get/accepted");
    ShadowClient app = client("console").subscribe("$aws/things/pump-7/shadow/get/accepted");

    app.publish("$aws/things/pump-7/shadow/update", "{\"state\":{\"desired\":{\"firmware\":{\"version\":\"2.1\"}}}}");
    Received delta = device.next();
    assertThat(delta.topic()).isEqualTo("state/pump-7/update/delta");
    assertThat(delta.body().getJsonObject("state")).isEqualTo(new JsonObject("{\"firmware\":{\"version\":\"2.1\"}}"));

    device.publish("state/pump-7/update", "{\"state\":{\"reported\":{\"firmware\":{\"version\":\"2.1\"}}}}");
    Received accepted = device.next();
    assertThat(accepted.topic()).isEqualTo("state/pump-7/update/accepted");
    assertThat(accepted.body().getLong("version")).isEqualTo(2);
    device.expectNothing(); // reported now matches desired: no delta

    app.publish("$aws/things/pump-7/shadow/get", "");
    Received got = app.next();
    assertThat(got.body().getJsonObject("state")).isEqualTo(new JsonObject(
        "{\"desired\":{\"firmware\":{\"version\":\"2.1\"}},\"reported\":{\"firmware\":{\"version\":\"2.1\"}}}"));
  }

  @Test
  void namedShadowsAreSeparateFromTheClassicShadowAndFromEachOther() throws Exception {
    ShadowClient app = client("app").subscribe("$aws/things/t9/shadow/+/accepted", "$aws/things/t9/shadow/+/rejected",
        "$aws/things/t9/shadow/name/+/+/accepted", "$aws/things/t9/shadow/name/+/+/rejected");
    app.publish("$aws/things/t9/shadow/name/config/update", "{\"state\":{\"desired\":{\"rate\":10}}}");
    assertThat(app.next().topic()).isEqualTo("$aws/things/t9/shadow/name/config/update/accepted");

    app.publish("$aws/things/t9/shadow/get", "{}");
    Received classic = app.next();
    assertThat(classic.topic()).isEqualTo("$aws/things/t9/shadow/get/rejected");
    assertThat(classic.body().getString("message")).isEqualTo("Thing not found");

    app.publish("$aws/things/t9/shadow/name/other/get", "{}");
    Received other = app.next();
    assertThat(other.topic()).isEqualTo("$aws/things/t9/shadow/name/other/get/rejected");
    assertThat(other.body().getString("message")).isEqualTo("No shadow exists with name: other");

    app.publish("$aws/things/t9/shadow/name/config/get", "{}");
    Received config = app.next();
    assertThat(config.topic()).isEqualTo("$aws/things/t9/shadow/name/config/get/accepted");
    assertThat(config.body().getJsonObject("state").getJsonObject("delta")).isEqualTo(new JsonObject().put("rate", 10));

    app.publish("$aws/things/t9/shadow/name/config/delete", "");
    Received deleted = app.next();
    assertThat(deleted.topic()).isEqualTo("$aws/things/t9/shadow/name/config/delete/accepted");
    assertThat(deleted.body().getLong("version")).isEqualTo(1);
  }

  @Test
  void anMqtt5RequestWithAResponseTopicGetsItsAnswerThereWithItsCorrelationData() throws Exception {
    ShadowClient app = client("app").subscribe("replies/app", "$aws/things/m1/shadow/update/accepted");
    app.mqtt.publishWith().topic("$aws/things/m1/shadow/update")
        .payload("{\"state\":{\"reported\":{\"on\":true}}}".getBytes(StandardCharsets.UTF_8))
        .responseTopic("replies/app").correlationData("req-42".getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE).send();
    Received first = app.next();
    Received second = app.next();
    Received viaResponseTopic = first.topic().equals("replies/app") ? first : second;
    Received viaReplyTopic = first.topic().equals("replies/app") ? second : first;
    assertThat(viaReplyTopic.topic()).isEqualTo("$aws/things/m1/shadow/update/accepted");
    assertThat(viaResponseTopic.topic()).isEqualTo("replies/app");
    assertThat(viaResponseTopic.body()).isEqualTo(viaReplyTopic.body());
    ByteBuffer correlation = viaResponseTopic.publish().getCorrelationData().orElseThrow();
    assertThat(StandardCharsets.UTF_8.decode(correlation).toString()).isEqualTo("req-42");
    app.expectNothing(); // documents went to a topic nobody here subscribed to; nothing else to the response topic
  }

  @Test
  void repliesReachWildcardSubscribersAndTheRequestItselfIsNotRouted() throws Exception {
    ShadowClient watcher = client("watcher").subscribe("$aws/things/+/shadow/#");
    ShadowClient device = client("d1");
    device.publish("$aws/things/d1/shadow/get", "{\"clientToken\":\"w\"}");
    Received rejected = watcher.next();
    assertThat(rejected.topic()).isEqualTo("$aws/things/d1/shadow/get/rejected");
    assertThat(rejected.body().getInteger("code")).isEqualTo(404);
    assertThat(rejected.body().getString("clientToken")).isEqualTo("w");
    watcher.expectNothing(); // the request on .../get was answered, not delivered
  }

  @Test
  void sdkStyleClientsSubscribeAndUnsubscribeAroundEachRequest() throws Exception {
    ShadowClient device = client("sdk-1");
    for (int i = 1; i <= 5; i++) {
      String accepted = "$aws/things/sdk-1/shadow/update/accepted";
      String rejected = "$aws/things/sdk-1/shadow/update/rejected";
      device.subscribe(accepted, rejected);
      device.publish("$aws/things/sdk-1/shadow/update",
          "{\"state\":{\"reported\":{\"n\":" + i + "}},\"clientToken\":\"tok-" + i + "\",\"version\":" + (i - 1) + "}");
      Received r = device.next();
      assertThat(r.topic()).isEqualTo(accepted);
      assertThat(r.body().getString("clientToken")).isEqualTo("tok-" + i);
      assertThat(r.body().getLong("version")).isEqualTo(i);
      device.unsubscribe(accepted, rejected);
    }
    device.publish("$aws/things/sdk-1/shadow/update", "{\"state\":{\"reported\":{\"n\":0}}}");
    device.expectNothing();
  }

  @Test
  void aQos1ShadowRequestIsAcknowledgedAsDeliveredAndAnMqtt311ClientIsAnsweredToo() throws Exception {
    ShadowClient v5 = client("v5");
    var ack = v5.mqtt.publishWith().topic("$aws/things/v5/shadow/update")
        .payload("{\"state\":{}}".getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();
    assertThat(((Mqtt5PublishResult.Mqtt5Qos1Result) ack).getPubAck().getReasonCode())
        .as("a request is served, so not 'no matching subscribers'").isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);

    Mqtt3BlockingClient v3 = MqttClient.builder().useMqttVersion3().identifier("old-device").serverHost("127.0.0.1")
        .serverPort(broker.port()).buildBlocking();
    clients.add(v3::disconnect);
    var publishes = v3.publishes(MqttGlobalPublishFilter.ALL);
    v3.connect();
    v3.subscribeWith().topicFilter("state/old-device/update/accepted").qos(MqttQos.EXACTLY_ONCE).send();
    v3.publishWith().topic("state/old-device/update").payload("{\"state\":{\"reported\":{\"x\":1}}}".getBytes(
        StandardCharsets.UTF_8)).qos(MqttQos.EXACTLY_ONCE).send();
    var reply = publishes.receive(10, TimeUnit.SECONDS).orElseThrow();
    assertThat(new JsonObject(new String(reply.getPayloadAsBytes(), StandardCharsets.UTF_8)).getLong("version"))
        .isEqualTo(1);
    assertThat(publishes.receive(300, TimeUnit.MILLISECONDS)).as("answered once").isEmpty();
  }
}
