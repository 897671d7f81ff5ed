package io.shadowmq.broker.mqtt.v5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.PahoInbox;
import io.shadowmq.broker.RawMqttClient;
import io.shadowmq.broker.TestBroker;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Topic aliases in both directions; the broker uses them towards a client only when the client allows. */
@Timeout(30)
class TopicAliasTest {
  static final Duration WAIT = Duration.ofSeconds(5);
  static final int TOPIC_ALIAS = MqttProperties.MqttPropertyType.TOPIC_ALIAS.value();
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

  static MqttPublishMessage aliased(String topic, int alias, String payload) {
    MqttProperties p = new MqttProperties();
    p.add(new MqttProperties.IntegerProperty(TOPIC_ALIAS, alias));
    return new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_MOST_ONCE, false, 0),
        new MqttPublishVariableHeader(topic, -1, p), Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8));
  }

  RawMqttClient rawV5(String id, MqttProperties connectProperties) throws Exception {
    RawMqttClient raw = clients.raw();
    raw.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId(id).properties(connectProperties).build());
    return raw;
  }

  @Test
  void aliasesSetByAClientAreResolvedForSubscribers() throws Exception {
    var paho = clients.paho5("alias-in-sub");
    var inbox = PahoInbox.V5.of(paho);
    paho.connect(new MqttConnectionOptions());
    paho.subscribe("ta5/in/#", 0);
    RawMqttClient pub = rawV5("alias-in-pub", new MqttProperties());

    pub.send(aliased("ta5/in/first", 1, "a"));
    pub.send(aliased("", 1, "b"));
    pub.send(aliased("ta5/in/second", 1, "c")); // the alias now means another topic
    pub.send(aliased("", 1, "d"));

    List<String> got = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      var m = inbox.next(WAIT);
      assertThat(m).isNotNull();
      got.add(m.topic() + "=" + new String(m.message().getPayload(), StandardCharsets.UTF_8));
    }
    assertThat(got).containsExactly("ta5/in/first=a", "ta5/in/first=b", "ta5/in/second=c", "ta5/in/second=d");
  }

  @Test
  void aliasAboveTheBrokersTopicAliasMaximumClosesTheConnectionWith0x94() throws Exception {
    RawMqttClient pub = rawV5("alias-too-big", new MqttProperties());

    pub.send(aliased("ta5/big", 33, "x"));

    MqttMessage d = pub.expect(MqttMessageType.DISCONNECT, WAIT);
    assertThat(((MqttReasonCodeAndPropertiesVariableHeader) d.variableHeader()).reasonCode()).isEqualTo((byte) 0x94);
  }

  @Test
  void hiveMqPublisherAndSubscriberWithAliasesAllowedSeeEveryTopicRight() throws Exception {
    Mqtt5BlockingClient sub = clients.track(clients.hive5Builder("alias-hive-sub").buildBlocking());
    sub.connectWith().restrictions().topicAliasMaximum(2).applyRestrictions().send();
    var got = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter("ta5/hive/#").send();
    Mqtt5BlockingClient pub = clients.hive5("alias-hive-pub");
    pub.connect(); // HiveMQ uses topic aliases on its own when the broker allows them

    String[] topics = {"ta5/hive/a", "ta5/hive/a", "ta5/hive/b", "ta5/hive/c", "ta5/hive/a", "ta5/hive/b", "ta5/hive/b"};
    for (String t : topics) {
      pub.publishWith().topic(t).payload(t.getBytes(StandardCharsets.UTF_8)).send();
    }

    for (String t : topics) {
      Mqtt5Publish p = got.receive(5, TimeUnit.SECONDS).orElseThrow();
      assertThat(p.getTopic().toString()).isEqualTo(t);
      assertThat(p.getPayloadAsBytes()).asString(StandardCharsets.UTF_8).isEqualTo(t);
    }
  }

  @Test
  void brokerSendsAliasesWithinTheClientsMaximumAndTheyResolveToTheRightTopics() throws Exception {
    MqttProperties connect = new MqttProperties();
    connect.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value(), 2));
    RawMqttClient sub = rawV5("alias-out-sub", connect);
    sub.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_MOST_ONCE, "ta5/out/+").build());
    sub.expect(MqttMessageType.SUBACK, WAIT);
    Mqtt5BlockingClient pub = clients.hive5("alias-out-pub");
    pub.connect();

    String[] topics = {"ta5/out/a", "ta5/out/a", "ta5/out/b", "ta5/out/c", "ta5/out/a", "ta5/out/c"};
    for (String t : topics) {
      pub.publishWith().topic(t).payload(t.getBytes(StandardCharsets.UTF_8)).send();
    }

    Map<Integer, String> aliases = new HashMap<>();
    int sentAliasOnly = 0;
    for (String t : topics) {
      MqttPublishMessage m = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH, WAIT);
      String payload = m.payload().toString(StandardCharsets.UTF_8);
      String topic = m.variableHeader().topicName();
      var alias = m.variableHeader().properties().getProperty(TOPIC_ALIAS);
      assertThat(alias).as("every message to this client carries an alias").isNotNull();
      int a = (Integer) alias.value();
      assertThat(a).isBetween(1, 2);
      if (topic.isEmpty()) {
        sentAliasOnly++;
        topic = aliases.get(a);
      } else {
        aliases.put(a, topic);
      }
      assertThat(topic).isEqualTo(payload).isEqualTo(t);
    }
    assertThat(sentAliasOnly).as("repeated topics are sent as the alias alone").isGreaterThan(0);
  }

  @Test
  void brokerSendsNoAliasesToAClientThatDidNotAllowThem() throws Exception {
    RawMqttClient sub = rawV5("alias-none-sub", new MqttProperties());
    sub.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_MOST_ONCE, "ta5/none").build());
    sub.expect(MqttMessageType.SUBACK, WAIT);
    Mqtt5BlockingClient pub = clients.hive5("alias-none-pub");
    pub.connect();

    for (int i = 0; i < 3; i++) {
      pub.publishWith().topic("ta5/none").payload(new byte[] {(byte) i}).send();
    }

    for (int i = 0; i < 3; i++) {
      MqttPublishMessage m = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH, WAIT);
      assertThat(m.variableHeader().topicName()).isEqualTo("ta5/none");
      assertThat(m.variableHeader().properties().getProperty(TOPIC_ALIAS)).isNull();
    }
  }
}
