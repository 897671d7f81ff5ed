package io.shadowmq.broker.mqtt.v5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Maximum Packet Size both ways: the broker's (--max-packet-size) and the one a client announces. */
@Timeout(30)
class MaximumPacketSizeTest {
  static TestBroker broker;
  final Clients clients = new Clients(broker);

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.start("--max-packet-size", "1024");
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }

  @Test
  void brokerAnnouncesItsMaximumAndClosesAConnectionThatSendsMoreWith0x95() throws Exception {
    Mqtt5ConnAck ack = clients.hive5("mps-announce").connect();
    assertThat(ack.getRestrictions().getMaximumPacketSize()).isEqualTo(1024);
    RawMqttClient raw = clients.raw();
    raw.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("mps-big").build());

    raw.send(new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_MOST_ONCE, false, 0),
        new MqttPublishVariableHeader("mps5/big", -1), Unpooled.wrappedBuffer(new byte[2000])));

    MqttMessage d = raw.expect(MqttMessageType.DISCONNECT, Duration.ofSeconds(5));
    assertThat(((MqttReasonCodeAndPropertiesVariableHeader) d.variableHeader()).reasonCode()).isEqualTo((byte) 0x95);
    assertThat(raw.awaitClosedByBroker(Duration.ofSeconds(5))).isTrue();
    assertThat(broker.counter("shadowmq.connections.refused", "reason", "packet_too_large")).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void messagesLargerThanTheClientsMaximumAreNotSentToItAndDoNotBlockTheRest() throws Exception {
    Mqtt5BlockingClient sub = clients.track(clients.hive5Builder("mps-small-sub").buildBlocking());
    sub.connectWith().restrictions().maximumPacketSize(200).applyRestrictions().send();
    var got = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter("mps5/small/+").qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient big = clients.hive5("mps-big-sub");
    big.connect();
    var bigGot = big.publishes(MqttGlobalPublishFilter.ALL);
    big.subscribeWith().topicFilter("mps5/small/+").qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient pub = clients.hive5("mps-pub");
    pub.connect();
    double droppedBefore = broker.counter("shadowmq.messages.dropped", "reason", "too_large_for_client");

    pub.publishWith().topic("mps5/small/q0").payload(new byte[500]).send();
    pub.publishWith().topic("mps5/small/q1").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[500]).send();
    pub.publishWith().topic("mps5/small/q1").qos(MqttQos.AT_LEAST_ONCE).payload("fits".getBytes(StandardCharsets.UTF_8)).send();

    var first = got.receive(5, TimeUnit.SECONDS).orElseThrow();
    assertThat(first.getPayloadAsBytes()).asString(StandardCharsets.UTF_8).isEqualTo("fits");
    assertThat(got.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
    assertThat(broker.counter("shadowmq.messages.dropped", "reason", "too_large_for_client")).isEqualTo(droppedBefore + 2);
    assertThat(sub.getState().isConnected()).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(bigGot.receive(5, TimeUnit.SECONDS)).as("a client without a limit gets all").isPresent();
    }
  }
}
