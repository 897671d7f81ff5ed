package io.shadowmq.broker.mqtt.v311;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 3.1.1 clean session 0: subscriptions and QoS 1/2 messages kept while offline, session present, redelivery with DUP. */
@Timeout(30)
class SessionTest {
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

  void publish(String topic, int qos, String... payloads) {
    Mqtt3BlockingClient pub = clients.hive3("pub-" + topic.replace('/', '-') + "-" + qos);
    pub.connect();
    for (String p : payloads) {
      pub.publishWith().topic(topic).qos(MqttQos.fromCode(qos)).payload(p.getBytes(StandardCharsets.UTF_8)).send();
    }
    pub.disconnect();
  }

  static List<String> drain(PahoInbox.V3 inbox) throws InterruptedException {
    List<String> got = new ArrayList<>();
    PahoInbox.Received<MqttMessage> m;
    while ((m = inbox.next(Duration.ofMillis(500))) != null) {
      got.add(new String(m.message().getPayload(), StandardCharsets.UTF_8) + "@" + m.message().getQos()
          + (m.message().isDuplicate() ? "+dup" : ""));
    }
    return got;
  }

  @Test
  void persistentSessionKeepsSubscriptionsAndQueuesQos1And2WhileOffline() throws Exception {
    MqttClient first = clients.paho3("s311-keep");
    boolean presentAtFirst = first.connectWithResult(Clients.paho3Options(false)).getSessionPresent();
    first.subscribe("s311/keep", 2);
    first.disconnect();
    publish("s311/keep", 0, "q0");
    publish("s311/keep", 1, "a");
    publish("s311/keep", 2, "b");

    MqttClient back = clients.paho3("s311-keep");
    var inbox = PahoInbox.V3.of(back);
    boolean present = back.connectWithResult(Clients.paho3Options(false)).getSessionPresent();

    assertThat(presentAtFirst).isFalse();
    assertThat(present).isTrue();
    assertThat(drain(inbox)).containsExactly("a@1", "b@2");
  }

  @Test
  void cleanSessionDiscardsWhatWasKept() throws Exception {
    MqttClient first = clients.paho3("s311-clean");
    first.connect(Clients.paho3Options(false));
    first.subscribe("s311/clean", 1);
    first.disconnect();
    publish("s311/clean", 1, "queued");

    Mqtt3BlockingClient clean = clients.hive3("s311-clean");
    boolean presentWithClean = clean.connectWith().cleanSession(true).send().isSessionPresent();
    clean.disconnect();
    MqttClient again = clients.paho3("s311-clean");
    var inbox = PahoInbox.V3.of(again);
    boolean presentAfter = again.connectWithResult(Clients.paho3Options(false)).getSessionPresent();

    assertThat(presentWithClean).isFalse();
    assertThat(presentAfter).isFalse();
    publish("s311/clean", 1, "new");
    assertThat(drain(inbox)).as("no queued message and no subscription").isEmpty();
  }

  @Test
  void unacknowledgedQos1IsResentWithDupAndAReceivedQos2IsReleasedNotResent() throws Exception {
    MqttClient first = clients.paho3("s311-dup");
    // Paho then sends PUBACK (and PUBCOMP) only when told, which is never here; it does send PUBREC
    // for the QoS 2 message on receipt, so the broker owes only its PUBREL for that one.
    first.setManualAcks(true);
    var firstInbox = PahoInbox.V3.of(first);
    first.connect(Clients.paho3Options(false));
    first.subscribe("s311/dup", 2);
    publish("s311/dup", 1, "one");
    publish("s311/dup", 2, "two");
    assertThat(drain(firstInbox)).containsExactly("one@1", "two@2");
    first.disconnectForcibly(0, 100, false);

    MqttClient back = clients.paho3("s311-dup");
    var inbox = PahoInbox.V3.of(back);
    back.connect(Clients.paho3Options(false));

    assertThat(drain(inbox)).containsExactly("one@1+dup");
  }
}
