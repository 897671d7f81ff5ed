package io.shadowmq.broker.mqtt.flow;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.RawMqttClient;
import io.shadowmq.broker.TestBroker;
import io.shadowmq.broker.routing.SubscriptionTree;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscriber that stops reading: the broker keeps a bounded amount for it (socket buffers up to
 * the write watermark, then its queue), drops the rest with a metric, and other subscribers of the
 * same messages keep getting every one of them.
 */
@Timeout(60)
class SlowConsumerTest {
  static final int MESSAGES = 2_000;
  static final int PAYLOAD = 4 * 1024; // 8 MB in all: more than the kernel buffers on loopback hold
  static final int QUEUE = 1_000; // the default --max-queued-messages
  static final int INFLIGHT = 10;
  static TestBroker broker;
  final Clients clients = new Clients(broker);

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.start("--max-inflight", String.valueOf(INFLIGHT));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }

  /** Whether the broker routes messages on the topic to the client (the stalled one never reads its SUBACK). */
  boolean routesTo(String topic, String clientId) {
    SubscriptionTree.MatchResult match = new SubscriptionTree.MatchResult();
    broker.node().broker().router().tree().match(topic, match);
    return match.subscriptions.stream().anyMatch(s -> s.subscriber().clientId().equals(clientId));
  }

  /** Connects and subscribes without ever reading a byte the broker sends. */
  void stalledSubscriber(String id, String filter, MqttQoS qos) throws Exception {
    RawMqttClient stalled = clients.track(RawMqttClient.openNeverReading(broker, 4 * 1024));
    stalled.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId(id).cleanSession(true).keepAlive(0).build());
    stalled.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(qos, filter).build());
    await().atMost(Duration.ofSeconds(5)).until(() -> routesTo(filter, id));
  }

  /**
   * A subscriber that takes every message as it comes (a callback, so the client never holds back).
   * QoS 1, so that a moment of lag on a busy machine is absorbed by its queue rather than dropped.
   */
  List<Integer> healthySubscriber(String id, String filter) throws Exception {
    List<Integer> got = Collections.synchronizedList(new ArrayList<>());
    Mqtt5AsyncClient fast = clients.hive5(id).toAsync();
    fast.connect().get(5, TimeUnit.SECONDS);
    fast.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE)
        .callback(p -> got.add(ByteBuffer.wrap(p.getPayloadAsBytes()).getInt(0))).send().get(5, TimeUnit.SECONDS);
    return got;
  }

  /**
   * Publishes QoS 1, one message per acknowledgement, so that the publisher does not outrun a
   * healthy subscriber by more than its queue.
   */
  void publishAll(String topic) {
    Mqtt5BlockingClient pub = clients.hive5("pub-" + topic.replace('/', '-'));
    pub.connect();
    for (int i = 0; i < MESSAGES; i++) {
      pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(ByteBuffer.allocate(PAYLOAD).putInt(0, i)).send();
    }
  }

  static void receivesEveryMessageInOrder(List<Integer> got) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(got.size()).isGreaterThanOrEqualTo(MESSAGES));
    assertThat(got).hasSize(MESSAGES).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void qos0MessagesForAStalledSubscriberAreDroppedAndCountedWhileOthersGetThemAll() throws Exception {
    stalledSubscriber("stalled-q0", "slow/q0", MqttQoS.AT_MOST_ONCE);
    var healthy = healthySubscriber("healthy-q0", "slow/q0");
    double droppedBefore = broker.counter("shadowmq.messages.dropped", "reason", "slow_consumer");

    publishAll("slow/q0");

    receivesEveryMessageInOrder(healthy);
    assertThat(broker.counter("shadowmq.messages.dropped", "reason", "slow_consumer") - droppedBefore)
        .as("at most ~64 KB of watermark plus kernel buffers are held; the rest is dropped")
        .isGreaterThan(MESSAGES / 4.0);
  }

  @Test
  void qos1MessagesForAStalledSubscriberStopAtItsWindowAndQueueAndTheRestIsDroppedAndCounted() throws Exception {
    stalledSubscriber("stalled-q1", "slow/q1", MqttQoS.AT_LEAST_ONCE);
    var healthy = healthySubscriber("healthy-q1", "slow/q1");
    double droppedBefore = broker.counter("shadowmq.messages.dropped", "reason", "queue_full");

    publishAll("slow/q1");

    receivesEveryMessageInOrder(healthy);
    // The window in flight and a full queue are kept for the stalled client; every other message is dropped.
    assertThat(broker.counter("shadowmq.messages.dropped", "reason", "queue_full") - droppedBefore)
        .isEqualTo(MESSAGES - INFLIGHT - QUEUE);
  }
}
