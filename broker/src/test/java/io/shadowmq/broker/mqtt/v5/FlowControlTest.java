package io.shadowmq.broker.mqtt.v5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT 5 QoS flow control with a client whose every packet the test controls: the in-flight window
 * (Receive Maximum) in both directions, redelivery with DUP on reconnect, no duplicate QoS 2 delivery.
 */
@Timeout(30)
class FlowControlTest {
  static final Duration WAIT = Duration.ofSeconds(5);
  static final Duration QUIET = Duration.ofMillis(400);
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

  static MqttProperties props(MqttProperties.MqttPropertyType type, int value) {
    MqttProperties p = new MqttProperties();
    p.add(new MqttProperties.IntegerProperty(type.value(), value));
    return p;
  }

  static MqttPublishMessage publish(String topic, MqttQoS qos, boolean dup, int packetId, String payload) {
    return new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, dup, qos, false, 0),
        new MqttPublishVariableHeader(topic, packetId), Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8));
  }

  static String payload(MqttMessage m) {
    return ((MqttPublishMessage) m).payload().toString(StandardCharsets.UTF_8);
  }

  static int packetId(MqttMessage m) {
    return ((MqttPublishMessage) m).variableHeader().packetId();
  }

  Mqtt5BlockingClient publisher(String id) {
    Mqtt5BlockingClient pub = clients.hive5(id);
    pub.connect();
    return pub;
  }

  @Test
  void brokerNeverHasMoreUnacknowledgedMessagesInFlightThanTheClientsReceiveMaximum() throws Exception {
    RawMqttClient sub = clients.raw();
    sub.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("window-sub")
        .properties(props(MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM, 3)).build());
    sub.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, "flow5/window").build());
    sub.expect(MqttMessageType.SUBACK, WAIT);
    Mqtt5BlockingClient pub = publisher("window-pub");

    for (int i = 0; i < 10; i++) {
      pub.publishWith().topic("flow5/window").qos(MqttQos.AT_LEAST_ONCE).payload(("m" + i).getBytes(StandardCharsets.UTF_8)).send();
    }

    List<MqttMessage> window = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      window.add(sub.expect(MqttMessageType.PUBLISH, WAIT));
    }
    assertThat(sub.receive(QUIET)).as("a 4th message while 3 are unacknowledged").isNull();

    sub.send(RawMqttClient.ack(MqttMessageType.PUBACK, packetId(window.get(0))));
    MqttMessage fourth = sub.expect(MqttMessageType.PUBLISH, WAIT);
    assertThat(payload(fourth)).isEqualTo("m3");
    assertThat(sub.receive(QUIET)).isNull();

    List<String> payloads = new ArrayList<>();
    window.subList(0, 1).clear();
    window.add(fourth);
    window.forEach(m -> payloads.add(payload(m)));
    for (MqttMessage m : window) {
      sub.send(RawMqttClient.ack(MqttMessageType.PUBACK, packetId(m)));
    }
    while (payloads.size() < 9) {
      MqttMessage m = sub.expect(MqttMessageType.PUBLISH, WAIT);
      payloads.add(payload(m));
      sub.send(RawMqttClient.ack(MqttMessageType.PUBACK, packetId(m)));
    }
    assertThat(payloads).containsExactly("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
  }

  @Test
  void unacknowledgedMessagesAreResentWithDupAndTheSamePacketIdsAfterReconnect() throws Exception {
    MqttMessage connect = MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("redeliver-5")
        .cleanSession(false).properties(props(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL, 60)).build();
    RawMqttClient first = clients.raw();
    first.connect(connect);
    first.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.EXACTLY_ONCE, "flow5/redeliver/#").build());
    first.expect(MqttMessageType.SUBACK, WAIT);
    Mqtt5BlockingClient pub = publisher("redeliver-pub");
    pub.publishWith().topic("flow5/redeliver/q1").qos(MqttQos.AT_LEAST_ONCE).payload("one".getBytes(StandardCharsets.UTF_8)).send();
    pub.publishWith().topic("flow5/redeliver/q2").qos(MqttQos.EXACTLY_ONCE).payload("two".getBytes(StandardCharsets.UTF_8)).send();
    pub.publishWith().topic("flow5/redeliver/q2r").qos(MqttQos.EXACTLY_ONCE).payload("three".getBytes(StandardCharsets.UTF_8)).send();
    MqttMessage one = first.expect(MqttMessageType.PUBLISH, WAIT);
    MqttMessage two = first.expect(MqttMessageType.PUBLISH, WAIT);
    MqttMessage three = first.expect(MqttMessageType.PUBLISH, WAIT);
    assertThat(one.fixedHeader().isDup()).isFalse();
    // The third is received (PUBREC) and the broker releases it (PUBREL); PUBCOMP never goes back.
    first.send(RawMqttClient.ack(MqttMessageType.PUBREC, packetId(three)));
    MqttMessage pubrel = first.expect(MqttMessageType.PUBREL, WAIT);
    assertThat(((MqttMessageIdVariableHeader) pubrel.variableHeader()).messageId()).isEqualTo(packetId(three));
    first.close();

    RawMqttClient second = clients.raw();
    MqttConnAckMessage ack = second.connect(connect);

    assertThat(ack.variableHeader().isSessionPresent()).isTrue();
    MqttMessage again1 = second.expect(MqttMessageType.PUBLISH, WAIT);
    MqttMessage again2 = second.expect(MqttMessageType.PUBLISH, WAIT);
    MqttMessage rel = second.expect(MqttMessageType.PUBREL, WAIT);
    assertThat(again1.fixedHeader().isDup()).isTrue();
    assertThat(again2.fixedHeader().isDup()).isTrue();
    assertThat(packetId(again1)).isEqualTo(packetId(one));
    assertThat(packetId(again2)).isEqualTo(packetId(two));
    assertThat(payload(again1)).isEqualTo("one");
    assertThat(again1.fixedHeader().qosLevel()).isEqualTo(MqttQoS.AT_LEAST_ONCE);
    assertThat(payload(again2)).isEqualTo("two");
    assertThat(again2.fixedHeader().qosLevel()).isEqualTo(MqttQoS.EXACTLY_ONCE);
    assertThat(((MqttMessageIdVariableHeader) rel.variableHeader()).messageId()).isEqualTo(packetId(three));

    second.send(RawMqttClient.ack(MqttMessageType.PUBACK, packetId(again1)));
    second.send(RawMqttClient.ack(MqttMessageType.PUBREC, packetId(again2)));
    second.expect(MqttMessageType.PUBREL, WAIT);
    second.send(RawMqttClient.ack(MqttMessageType.PUBCOMP, packetId(again2)));
    second.send(RawMqttClient.ack(MqttMessageType.PUBCOMP, packetId(three)));
    assertThat(second.receive(QUIET)).as("nothing left to resend").isNull();
  }

  @Test
  void resentQos2PublishIsDeliveredOnlyOnce() throws Exception {
    Mqtt5BlockingClient sub = clients.hive5("once-sub");
    sub.connect();
    var publishes = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter("flow5/once").qos(MqttQos.EXACTLY_ONCE).send();
    RawMqttClient pub = clients.raw();
    pub.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("once-pub").build());

    pub.send(publish("flow5/once", MqttQoS.EXACTLY_ONCE, false, 7, "x"));
    pub.expect(MqttMessageType.PUBREC, WAIT);
    pub.send(publish("flow5/once", MqttQoS.EXACTLY_ONCE, true, 7, "x")); // as if our PUBREC was lost
    pub.expect(MqttMessageType.PUBREC, WAIT);
    pub.send(RawMqttClient.ack(MqttMessageType.PUBREL, 7));
    MqttMessage comp = pub.expect(MqttMessageType.PUBCOMP, WAIT);

    assertThat(((MqttMessageIdVariableHeader) comp.variableHeader()).messageId()).isEqualTo(7);
    assertThat(publishes.receive(5, TimeUnit.SECONDS)).isPresent();
    assertThat(publishes.receive(QUIET.toMillis(), TimeUnit.MILLISECONDS)).as("a second copy").isEmpty();
    // After PUBCOMP the id is free again: a new message with it is a new message.
    pub.send(publish("flow5/once", MqttQoS.EXACTLY_ONCE, false, 7, "y"));
    pub.expect(MqttMessageType.PUBREC, WAIT);
    assertThat(publishes.receive(5, TimeUnit.SECONDS).map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
        .contains("y");
  }

  @Test
  void pubRelForAnUnknownPacketIdIsAnsweredWithPacketIdentifierNotFound() throws Exception {
    RawMqttClient raw = clients.raw();
    raw.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("unknown-rel").build());

    raw.send(RawMqttClient.ack(MqttMessageType.PUBREL, 4711));

    MqttMessage comp = raw.expect(MqttMessageType.PUBCOMP, WAIT);
    MqttPubReplyMessageVariableHeader header = (MqttPubReplyMessageVariableHeader) comp.variableHeader();
    assertThat(header.messageId()).isEqualTo(4711);
    assertThat(header.reasonCode()).isEqualTo((byte) 0x92);
  }

  @Test
  void clientExceedingTheBrokersReceiveMaximumIsDisconnectedWith0x93() throws Exception {
    try (TestBroker small = TestBroker.start("--receive-maximum", "2"); RawMqttClient pub = RawMqttClient.open(small)) {
      MqttConnAckMessage ack = pub.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5)
          .clientId("greedy").build());
      assertThat(ack.variableHeader().properties().getProperty(MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM.value())
          .value()).isEqualTo(2);

      for (int id = 1; id <= 3; id++) {
        pub.send(publish("flow5/greedy", MqttQoS.EXACTLY_ONCE, false, id, "x"));
      }

      pub.expect(MqttMessageType.PUBREC, WAIT);
      pub.expect(MqttMessageType.PUBREC, WAIT);
      MqttMessage disconnect = pub.expect(MqttMessageType.DISCONNECT, WAIT);
      assertThat(((MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader()).reasonCode()).isEqualTo((byte) 0x93);
      assertThat(pub.awaitClosedByBroker(WAIT)).isTrue();
    }
  }
}
