package io.shadowmq.broker.mqtt.v5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.RawMqttClient;
import io.shadowmq.broker.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Shared subscriptions {@code $share/{group}/{filter}}: one member per message, and no message lost when a member leaves. */
@Timeout(30)
class SharedSubscriptionTest {
  static final Duration WAIT = Duration.ofSeconds(5);
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

  Mqtt5BlockingClient hive(String id) {
    Mqtt5BlockingClient c = clients.hive5(id);
    c.connect();
    return c;
  }

  static String text(Mqtt5Publish p) {
    return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
  }

  static void publishAll(Mqtt5BlockingClient pub, String topic, int count) {
    for (int i = 0; i < count; i++) {
      pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(("j" + i).getBytes(StandardCharsets.UTF_8)).send();
    }
  }

  /** Drains what arrives until nothing more comes within a short while. */
  static List<String> drain(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
    List<String> got = new ArrayList<>();
    Optional<Mqtt5Publish> p;
    while ((p = publishes.receive(500, TimeUnit.MILLISECONDS)).isPresent()) {
      got.add(text(p.get()));
    }
    return got;
  }

  @Test
  void eachMessageGoesToExactlyOneMemberOfTheGroupAndToEveryPlainSubscriber() throws Exception {
    Mqtt5BlockingClient a = hive("share-a");
    var aGot = a.publishes(MqttGlobalPublishFilter.ALL);
    a.subscribeWith().topicFilter("$share/workers/sh5/jobs/#").qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient b = hive("share-b");
    var bGot = b.publishes(MqttGlobalPublishFilter.ALL);
    b.subscribeWith().topicFilter("$share/workers/sh5/jobs/#").qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient audit = hive("share-audit");
    var auditGot = audit.publishes(MqttGlobalPublishFilter.ALL);
    audit.subscribeWith().topicFilter("sh5/jobs/#").qos(MqttQos.AT_LEAST_ONCE).send();

    publishAll(hive("share-pub"), "sh5/jobs/build", 20);

    List<String> toA = drain(aGot);
    List<String> toB = drain(bGot);
    assertThat(toA).isNotEmpty();
    assertThat(toB).isNotEmpty();
    List<String> all = new ArrayList<>(toA);
    all.addAll(toB);
    assertThat(all).hasSize(20).doesNotHaveDuplicates();
    assertThat(drain(auditGot)).hasSize(20);
  }

  /** A member with Receive Maximum 1 that never acknowledges: one message in flight, the rest queued at the broker. */
  RawMqttClient stuckMember(String id, String filter, int sessionExpiry) throws Exception {
    MqttProperties p = new MqttProperties();
    p.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM.value(), 1));
    p.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), sessionExpiry));
    RawMqttClient raw = clients.raw();
    raw.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId(id).cleanSession(true)
        .properties(p).build());
    raw.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, filter).build());
    raw.expect(MqttMessageType.SUBACK, WAIT);
    return raw;
  }

  void unacknowledgedAndQueuedMessagesOfALeavingMemberGoToTheOtherMember(int leaverSessionExpiry) throws Exception {
    String group = "$share/g" + leaverSessionExpiry + "/sh5/redist" + leaverSessionExpiry;
    String topic = "sh5/redist" + leaverSessionExpiry;
    RawMqttClient leaver = stuckMember("leaver-" + leaverSessionExpiry, group, leaverSessionExpiry);
    Mqtt5BlockingClient stayer = hive("stayer-" + leaverSessionExpiry);
    var stayerGot = stayer.publishes(MqttGlobalPublishFilter.ALL);
    stayer.subscribeWith().topicFilter(group).qos(MqttQos.AT_LEAST_ONCE).send();

    publishAll(hive("redist-pub-" + leaverSessionExpiry), topic, 6);
    MqttMessage inFlight = leaver.expect(MqttMessageType.PUBLISH, WAIT);
    String inFlightPayload = ((MqttPublishMessage) inFlight).payload().toString(StandardCharsets.UTF_8);
    List<String> beforeLeaving = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      beforeLeaving.add(text(stayerGot.receive(WAIT.toSeconds(), TimeUnit.SECONDS).orElseThrow()));
    }
    assertThat(beforeLeaving).doesNotContain(inFlightPayload);

    leaver.close(); // socket gone, PUBACK never sent

    List<String> afterLeaving = drain(stayerGot);
    assertThat(afterLeaving).contains(inFlightPayload).hasSize(3);
    Set<String> all = new HashSet<>(beforeLeaving);
    all.addAll(afterLeaving);
    assertThat(all).containsExactlyInAnyOrder("j0", "j1", "j2", "j3", "j4", "j5");
  }

  @Test
  void messagesOfAMemberWhoseSessionEndsAreRedistributed() throws Exception {
    unacknowledgedAndQueuedMessagesOfALeavingMemberGoToTheOtherMember(0);
  }

  @Test
  void messagesOfAMemberGoingOfflineWithAPersistentSessionAreRedistributedToAConnectedMember() throws Exception {
    unacknowledgedAndQueuedMessagesOfALeavingMemberGoToTheOtherMember(60);
  }

  @Test
  void whileAMemberIsOfflineNewMessagesGoToConnectedMembers() throws Exception {
    RawMqttClient away = stuckMember("away-member", "$share/g2/sh5/away", 60);
    away.close();
    await().atMost(WAIT).until(() -> !broker.node().broker().sessions().get("away-member").isOnline());
    Mqtt5BlockingClient here = hive("here-member");
    var hereGot = here.publishes(MqttGlobalPublishFilter.ALL);
    here.subscribeWith().topicFilter("$share/g2/sh5/away").qos(MqttQos.AT_LEAST_ONCE).send();

    publishAll(hive("away-pub"), "sh5/away", 4);

    assertThat(drain(hereGot)).containsExactly("j0", "j1", "j2", "j3");
  }
}
