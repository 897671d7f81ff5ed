package io.shadowmq.broker.shadow;

import io.shadowmq.broker.TestBroker;
import io.shadowmq.broker.shadow.ShadowClient.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every rejection a client can cause reaches it on the rejected topic, with AWS's code, message and its clientToken. */
@Timeout(60)
class ShadowRejectionsOverMqttTest {
  TestBroker broker;
  final List<ShadowClient> clients = new ArrayList<>();

  @AfterEach
  void tearDown() {
    clients.forEach(ShadowClient::close);
    if (broker != null) {
      broker.close();
    }
  }

  ShadowClient client(String id) {
    ShadowClient c = new ShadowClient(broker, id);
    clients.add(c);
    return c;
  }

  Received rejectedFor(ShadowClient c, String topic, String payload) throws Exception {
    c.publish(topic, payload);
    Received r = c.next();
    assertThat(r.topic()).isEqualTo(topic + "/rejected");
    return r;
  }

  @Test
  void clientErrorsAreRejectedWith400404409413And415() throws Exception {
    broker = TestBroker.start("--shadow-max-document-size", "64");
    ShadowClient c = client("dev").subscribe("$aws/things/+/shadow/+/rejected", "$aws/things/dev/shadow/update/accepted");
    String update = "$aws/things/dev/shadow/update";

    Received r = rejectedFor(c, update, "not json");
    assertThat(r.body().getInteger("code")).isEqualTo(400);
    assertThat(r.body().getString("message")).isEqualTo("Invalid JSON");

    r = rejectedFor(c, update, "{\"state\":{\"delta\":{}},\"clientToken\":\"k1\"}");
    assertThat(r.body().getInteger("code")).isEqualTo(400);
    assertThat(r.body().getString("message")).isEqualTo("State contains an invalid node");
    assertThat(r.body().getString("clientToken")).isEqualTo("k1");

    r = rejectedFor(c, "$aws/things/dev/shadow/get", "{\"clientToken\":\"k2\"}");
    assertThat(r.body().getInteger("code")).isEqualTo(404);
    assertThat(r.body().getString("message")).isEqualTo("Thing not found");
    assertThat(r.body().getString("clientToken")).isEqualTo("k2");

    c.publish(update, "{\"state\":{\"reported\":{\"a\":1}}}");
    assertThat(c.next().body().getLong("version")).isEqualTo(1);
    r = rejectedFor(c, update, "{\"state\":{\"reported\":{\"a\":2}},\"version\":7,\"clientToken\":\"k3\"}");
    assertThat(r.body().getInteger("code")).isEqualTo(409);
    assertThat(r.body().getString("message")).isEqualTo("Version conflict");

    r = rejectedFor(c, update, "{\"state\":{\"reported\":{\"long\":\"" + "x".repeat(70) + "\"}}}");
    assertThat(r.body().getInteger("code")).isEqualTo(413);
    assertThat(r.body().getString("message")).startsWith("The payload exceeds the maximum size allowed").contains("64 bytes");

    c.mqtt.publishWith().topic(update).payload(new byte[] {'{', (byte) 0xFF, '}'}).send();
    r = c.next();
    assertThat(r.body().getInteger("code")).isEqualTo(415);
    assertThat(r.body().getString("message")).isEqualTo("Unsupported documented encoding; supported encoding is UTF-8");

    r = rejectedFor(c, "$aws/things/bad.name/shadow/update", "{\"state\":{}}");
    assertThat(r.body().getInteger("code")).isEqualTo(400);
    assertThat(r.body().getString("message")).contains("Invalid thing name");
  }

  @Test
  void aThingOverItsRequestRateGets429AndOtherThingsAreStillServed() throws Exception {
    broker = TestBroker.start("--shadow-rate", "1", "--shadow-burst", "3");
    ShadowClient c = client("fast").subscribe("$aws/things/+/shadow/get/rejected");
    for (int i = 0; i < 3; i++) {
      c.publish("$aws/things/fast/shadow/get", "{}");
    }
    c.publish("$aws/things/fast/shadow/get", "{\"clientToken\":\"over\"}");
    for (int i = 0; i < 3; i++) {
      assertThat(c.next().body().getInteger("code")).isEqualTo(404); // served: it just does not exist
    }
    Received over = c.next();
    assertThat(over.body().getInteger("code")).isEqualTo(429);
    assertThat(over.body().getString("message")).contains("1 requests per second").contains("burst 3");
    assertThat(over.body().getString("clientToken")).isEqualTo("over");

    c.publish("$aws/things/slow/shadow/get", "{}");
    Received other = c.next();
    assertThat(other.topic()).isEqualTo("$aws/things/slow/shadow/get/rejected");
    assertThat(other.body().getInteger("code")).isEqualTo(404);
  }

  @Test
  void aClientTokenOver64BytesAndTooDeepNestingAreRejected() throws Exception {
    broker = TestBroker.start();
    ShadowClient c = client("deep").subscribe("state/deep/update/rejected");
    Received r = rejectedFor(c, "state/deep/update", "{\"state\":{},\"clientToken\":\"" + "t".repeat(65) + "\"}");
    assertThat(r.body().getString("message")).startsWith("Invalid clientToken");
    assertThat(r.body().containsKey("clientToken")).isFalse();
    String deep = "{\"a\":".repeat(6) + "1" + "}".repeat(6);
    r = rejectedFor(c, "state/deep/update", "{\"state\":{\"reported\":{\"x\":" + deep + "}}}");
    assertThat(r.body().getString("message")).isEqualTo("JSON contains too many levels of nesting; maximum is 6");
    assertThat(new String(r.publish().getPayloadAsBytes(), StandardCharsets.UTF_8)).contains("\"code\":400");
  }
}
