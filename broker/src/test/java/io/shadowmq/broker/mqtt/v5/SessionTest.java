package io.shadowmq.broker.mqtt.v5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** MQTT 5 sessions: kept while offline for their expiry interval, with subscriptions and queued QoS 1/2 messages. */
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

  static String text(Mqtt5Publish p) {
    return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
  }

  static void publish(Clients clients, String topic, MqttQos qos, String... payloads) {
    Mqtt5BlockingClient pub = clients.hive5("pub-" + topic.replace('/', '-') + "-" + qos.getCode());
    pub.connect();
    for (String p : payloads) {
      pub.publishWith().topic(topic).qos(qos).payload(p.getBytes(StandardCharsets.UTF_8)).send();
    }
    pub.disconnect();
  }

  static List<String> drain(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
    List<String> got = new ArrayList<>();
    Optional<Mqtt5Publish> p;
    while ((p = publishes.receive(500, TimeUnit.MILLISECONDS)).isPresent()) {
      got.add(text(p.get()) + "@" + p.get().getQos().getCode());
    }
    return got;
  }

  /** Connects with a session that outlives the connection, subscribes, and goes away. */
  static void leaveSubscribed(Clients clients, String id, String filter, long expiry) {
    Mqtt5BlockingClient c = clients.hive5(id);
    c.connectWith().cleanStart(true).sessionExpiryInterval(expiry).send();
    c.subscribeWith().topicFilter(filter).qos(MqttQos.EXACTLY_ONCE).send();
    c.disconnect();
  }

  @Test
  void offlineSessionKeepsItsSubscriptionAndQueuesQos1And2ButNotQos0() throws Exception {
    leaveSubscribed(clients, "sess-keep", "sess5/keep", 30);
    publish(clients, "sess5/keep", MqttQos.AT_MOST_ONCE, "q0");
    publish(clients, "sess5/keep", MqttQos.AT_LEAST_ONCE, "a", "b");
    publish(clients, "sess5/keep", MqttQos.EXACTLY_ONCE, "c");

    Mqtt5BlockingClient back = clients.hive5("sess-keep");
    var got = back.publishes(MqttGlobalPublishFilter.ALL);
    Mqtt5ConnAck ack = back.connectWith().cleanStart(false).sessionExpiryInterval(30).send();

    assertThat(ack.isSessionPresent()).isTrue();
    assertThat(drain(got)).containsExactly("a@1", "b@1", "c@2");
    // the subscription is still there for live messages
    publish(clients, "sess5/keep", MqttQos.AT_MOST_ONCE, "live");
    assertThat(got.receive(5, TimeUnit.SECONDS).map(SessionTest::text)).contains("live");
  }

  @Test
  void cleanStartDiscardsTheOfflineSession() throws Exception {
    leaveSubscribed(clients, "sess-clean", "sess5/clean", 30);
    publish(clients, "sess5/clean", MqttQos.AT_LEAST_ONCE, "queued");

    Mqtt5BlockingClient back = clients.hive5("sess-clean");
    var got = back.publishes(MqttGlobalPublishFilter.ALL);
    Mqtt5ConnAck ack = back.connectWith().cleanStart(true).sessionExpiryInterval(30).send();

    assertThat(ack.isSessionPresent()).isFalse();
    publish(clients, "sess5/clean", MqttQos.AT_LEAST_ONCE, "after");
    assertThat(got.receive(500, TimeUnit.MILLISECONDS)).as("neither queued nor new messages: no subscription").isEmpty();
  }

  @Test
  void sessionIsForgottenAfterItsExpiryInterval() throws Exception {
    leaveSubscribed(clients, "sess-expire", "sess5/expire", 1);
    long leftAt = System.nanoTime();

    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
        .until(() -> broker.node().broker().sessions().get("sess-expire") == null);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - leftAt)).isGreaterThanOrEqualTo(900L);
    publish(clients, "sess5/expire", MqttQos.AT_LEAST_ONCE, "late");

    Mqtt5BlockingClient back = clients.hive5("sess-expire");
    var got = back.publishes(MqttGlobalPublishFilter.ALL);
    Mqtt5ConnAck ack = back.connectWith().cleanStart(false).sessionExpiryInterval(30).send();
    assertThat(ack.isSessionPresent()).isFalse();
    assertThat(got.receive(500, TimeUnit.MILLISECONDS)).isEmpty();
  }

  @Test
  void sessionExpiryOfZeroOnDisconnectEndsTheSessionAtOnce() throws Exception {
    Mqtt5BlockingClient c = clients.hive5("sess-zero");
    c.connectWith().cleanStart(true).sessionExpiryInterval(30).send();
    c.subscribeWith().topicFilter("sess5/zero").qos(MqttQos.AT_LEAST_ONCE).send();

    c.disconnectWith().sessionExpiryInterval(0).send();

    Mqtt5BlockingClient back = clients.hive5("sess-zero");
    assertThat(back.connectWith().cleanStart(false).sessionExpiryInterval(30).send().isSessionPresent()).isFalse();
  }

  @Test
  void fullOfflineQueueDropsTheOldestMessagesAndCountsThem() throws Exception {
    try (TestBroker small = TestBroker.start("--max-queued-messages", "3", "--max-session-expiry", "5");
         Clients own = new Clients(small)) {
      Mqtt5BlockingClient c = own.hive5("sess-full");
      Mqtt5ConnAck first = c.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
      assertThat(first.getSessionExpiryInterval()).as("capped by --max-session-expiry").hasValue(5);
      c.subscribeWith().topicFilter("sess5/full").qos(MqttQos.AT_LEAST_ONCE).send();
      c.disconnect();

      publish(own, "sess5/full", MqttQos.AT_LEAST_ONCE, "m0", "m1", "m2", "m3", "m4");

      Mqtt5BlockingClient back = own.hive5("sess-full");
      var got = back.publishes(MqttGlobalPublishFilter.ALL);
      back.connectWith().cleanStart(false).sessionExpiryInterval(5).send();
      assertThat(drain(got)).containsExactly("m2@1", "m3@1", "m4@1");
      assertThat(small.counter("shadowmq.messages.dropped", "reason", "queue_full")).isEqualTo(2.0);
    }
  }

  @Test
  void fullOfflineQueueWithDropNewestKeepsTheFirstMessages() throws Exception {
    try (TestBroker small = TestBroker.start("--max-queued-messages", "3", "--queue-drop-policy", "newest");
         Clients own = new Clients(small)) {
      leaveSubscribed(own, "sess-newest", "sess5/newest", 30);

      publish(own, "sess5/newest", MqttQos.AT_LEAST_ONCE, "m0", "m1", "m2", "m3", "m4");

      Mqtt5BlockingClient back = own.hive5("sess-newest");
      var got = back.publishes(MqttGlobalPublishFilter.ALL);
      back.connectWith().cleanStart(false).sessionExpiryInterval(30).send();
      assertThat(drain(got)).containsExactly("m0@1", "m1@1", "m2@1");
      assertThat(small.counter("shadowmq.messages.dropped", "reason", "queue_full")).isEqualTo(2.0);
    }
  }
}
