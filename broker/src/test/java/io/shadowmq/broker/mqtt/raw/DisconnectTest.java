package io.shadowmq.broker.mqtt.raw;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static io.shadowmq.broker.mqtt.raw.MqttBytes.disconnect5;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.hex;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.packet;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.props;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.str;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u16;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u32;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u8;

/**
 * How a connection ends and whether its will is published: only a normal DISCONNECT (3.1.1, or
 * MQTT 5 reason 0x00) discards it (MQTT-3.14.4-3); any other reason, a protocol error or a
 * malformed DISCONNECT leaves it to be published.
 */
class DisconnectTest extends RawBrokerTest {

  /** A subscriber (MQTT 3.1.1, QoS 0) to the will topic. */
  private static RawClient willWatcher(String topic) throws Exception {
    RawClient sub = RawClient.connected311(broker, "will-watcher-" + topic.hashCode());
    sub.send(packet(0x82, u16(1), str(topic), u8(0))).expect("90 03 00 01 00");
    return sub;
  }

  private static byte[] willPublish(String topic) {
    return packet(0x30, str(topic), hex("67 6f 6e 65")); // "gone"
  }

  private static RawClient connectedWithWill5(String clientId, String topic, byte[] connectProps) throws Exception {
    RawClient c = RawClient.open(broker);
    c.send(packet(0x10, str("MQTT"), u8(5), u8(0x06), u16(60), connectProps, str(clientId), props(), str(topic),
        str("gone")));
    byte[] connAck = c.readPacket();
    org.assertj.core.api.Assertions.assertThat(connAck[3]).as("CONNACK reason").isZero();
    return c;
  }

  private static RawClient connectedWithWill311(String clientId, String topic) throws Exception {
    RawClient c = RawClient.open(broker);
    c.send(packet(0x10, str("MQTT"), u8(4), u8(0x06), u16(60), str(clientId), str(topic), str("gone")));
    c.expect(MqttBytes.CONNACK_311);
    return c;
  }

  @Test
  void normalDisconnectDiscardsTheWillForMqtt311() throws Exception {
    try (RawClient sub = willWatcher("will/311-normal");
         RawClient c = connectedWithWill311("will-311-normal", "will/311-normal")) {
      c.send("e0 00").expectClosed();
      sub.expectSilence(Duration.ofMillis(500));
    }
  }

  @Test
  void disconnectWithABodyIsMalformedAndPublishesTheWillForMqtt311() throws Exception {
    try (RawClient sub = willWatcher("will/311-bad");
         RawClient c = connectedWithWill311("will-311-bad", "will/311-bad")) {
      c.send("e0 01 00").expectClosed();
      sub.expect(willPublish("will/311-bad"));
    }
  }

  @Test
  void disconnectWithReason0x00DiscardsTheWill() throws Exception {
    try (RawClient sub = willWatcher("will/5-normal");
         RawClient c = connectedWithWill5("will-5-normal", "will/5-normal", props())) {
      c.send("e0 01 00").expectClosed();
      sub.expectSilence(Duration.ofMillis(500));
    }
  }

  @ParameterizedTest(name = "DISCONNECT reason 0x{0}")
  @ValueSource(strings = {"04", "80", "81", "83", "93", "98"})
  void disconnectWithAnyOtherReasonPublishesTheWill(String reason) throws Exception {
    String topic = "will/5-reason-" + reason;
    try (RawClient sub = willWatcher(topic);
         RawClient c = connectedWithWill5("will-5-" + reason, topic, props())) {
      c.send("e0 01 " + reason).expectClosed();
      sub.expect(willPublish(topic));
    }
  }

  @Test
  void sessionExpiryOnDisconnectAfterZeroInConnectIsAProtocolErrorAndPublishesTheWill() throws Exception {
    try (RawClient sub = willWatcher("will/5-expiry");
         RawClient c = connectedWithWill5("will-5-expiry", "will/5-expiry", props(hex("17 00")))) {
      c.send(packet(0xe0, u8(0), props(hex("11"), u32(60)))).expect(disconnect5(0x82)).expectClosed();
      sub.expect(willPublish("will/5-expiry"));
    }
  }

  @Test
  void protocolErrorPublishesTheWill() throws Exception {
    try (RawClient sub = willWatcher("will/5-error");
         RawClient c = connectedWithWill5("will-5-error", "will/5-error", props(hex("17 00")))) {
      c.send("36 06 00 01 74 00 01 00").expect(disconnect5(0x81)).expectClosed();
      sub.expect(willPublish("will/5-error"));
    }
  }
}
