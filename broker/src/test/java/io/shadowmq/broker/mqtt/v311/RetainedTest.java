package io.shadowmq.broker.mqtt.v311;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.PahoInbox;
import io.shadowmq.broker.TestBroker;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Retained messages: stored, replaced, cleared by an empty payload, and delivered to new subscriptions with the retain flag. */
@Timeout(30)
class RetainedTest {
  static TestBroker broker;
  final Clients clients = new Clients(broker);

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }

  MqttClient paho(String id) throws Exception {
    MqttClient p = clients.paho3(id);
    p.connect(Clients.paho3Options(true));
    return p;
  }

  static void retain(MqttClient pub, String topic, String payload, int qos) throws Exception {
    MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
    m.setQos(qos);
    m.setRetained(true);
    pub.publish(topic, m);
  }

  Map<String, String> retainedSeenBy(String id, String filter) throws Exception {
    Mqtt3BlockingClient sub = clients.hive3(id);
    sub.connect();
    var got = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
    Map<String, String> seen = new HashMap<>();
    java.util.Optional<Mqtt3Publish> p;
    while ((p = got.receive(400, TimeUnit.MILLISECONDS)).isPresent()) {
      assertThat(p.get().isRetain()).as("retained message sent for a new subscription carries the flag").isTrue();
      seen.put(p.get().getTopic().toString(), new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
    }
    return seen;
  }

  @Test
  void newSubscriberGetsTheRetainedMessagesOfEveryMatchingTopic() throws Exception {
    MqttClient pub = paho("ret-store-pub");
    retain(pub, "r311/store/pump-1/status", "on", 1);
    retain(pub, "r311/store/pump-2/status", "off", 0);
    retain(pub, "r311/store/pump-2/temp", "21", 2);

    Map<String, String> seen = retainedSeenBy("ret-store-sub", "r311/store/+/status");

    assertThat(seen).containsOnly(Map.entry("r311/store/pump-1/status", "on"), Map.entry("r311/store/pump-2/status", "off"));
  }

  @Test
  void aNewRetainedMessageReplacesTheOldOne() throws Exception {
    MqttClient pub = paho("ret-replace-pub");
    retain(pub, "r311/replace", "v1", 1);
    retain(pub, "r311/replace", "v2", 1);

    assertThat(retainedSeenBy("ret-replace-sub", "r311/replace")).containsOnly(Map.entry("r311/replace", "v2"));
  }

  @Test
  void anEmptyRetainedPayloadClearsTheTopic() throws Exception {
    MqttClient pub = paho("ret-clear-pub");
    retain(pub, "r311/clear/a", "x", 1);
    retain(pub, "r311/clear/b", "y", 1);
    retain(pub, "r311/clear/a", "", 1);

    assertThat(retainedSeenBy("ret-clear-sub", "r311/clear/#")).containsOnly(Map.entry("r311/clear/b", "y"));
  }

  @Test
  void liveRetainedMessageReachesExistingSubscribersWithoutTheRetainFlag() throws Exception {
    MqttClient sub = paho("ret-live-sub");
    var inbox = PahoInbox.V3.of(sub);
    sub.subscribe("r311/live", 1);

    retain(paho("ret-live-pub"), "r311/live", "now", 1);

    var m = inbox.next(Duration.ofSeconds(5));
    assertThat(m).isNotNull();
    assertThat(m.message().isRetained()).isFalse(); // MQTT-3.3.1-9: not because of a new subscription
  }

  @Test
  void retainedMessageIsDeliveredAtTheLowerOfItsQosAndTheSubscriptions() throws Exception {
    retain(paho("ret-qos-pub"), "r311/qos", "q2", 2);
    MqttClient sub = paho("ret-qos-sub");
    var inbox = PahoInbox.V3.of(sub);

    sub.subscribe("r311/qos", 1);

    var m = inbox.next(Duration.ofSeconds(5));
    assertThat(m).isNotNull();
    assertThat(m.message().getQos()).isEqualTo(1);
    assertThat(m.message().isRetained()).isTrue();
  }
}
