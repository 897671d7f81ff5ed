package io.shadowmq.broker.mqtt.raw;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static io.shadowmq.broker.mqtt.raw.MqttBytes.concat;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.connect311;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.connect5;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.disconnect5;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.hex;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.packet;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.props;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.str;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u16;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u8;
import static org.assertj.core.api.Assertions.assertThat;

/** The fixed header and remaining length: packets that cannot be framed, and packets too large. */
class FramingTest extends RawBrokerTest {

  @Test
  void mqtt5ClientIsToldTheBrokerLimitsInConnAck() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(connect5("limits")).expect(CONNACK_5);
    }
  }

  @Test
  void remainingLengthOfFiveBytesBeforeConnectClosesTheConnection() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send("10 ff ff ff ff 7f").expectClosed();
    }
  }

  @Test
  void remainingLengthOfFiveBytesIsMalformedForMqtt311() throws Exception {
    try (RawClient c = RawClient.connected311(broker, "len5-311")) {
      c.send("30 ff ff ff ff 01").expectClosed();
    }
  }

  @Test
  void remainingLengthOfFiveBytesIsMalformedForMqtt5() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "len5-5")) {
      c.send("30 80 80 80 80 01").expect(disconnect5(0x81)).expectClosed();
    }
  }

  @Test
  void topicLengthRunningPastTheRemainingLengthIsMalformedForMqtt311() throws Exception {
    try (RawClient c = RawClient.connected311(broker, "past-311")) {
      c.send("30 03 00 05 61").expectClosed();
    }
  }

  @Test
  void topicLengthRunningPastTheRemainingLengthIsMalformedForMqtt5() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "past-5")) {
      c.send("30 04 00 05 61 00").expect(disconnect5(0x81)).expectClosed();
    }
  }

  @Test
  void clientIdRunningPastTheRemainingLengthRefusesMqtt5Connect() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(5), u8(0x02), u16(60), props(), u16(9), hex("63 6c")));
      assertConnAckRefusal(c.readPacket(), 0x81);
      c.expectClosed();
    }
  }

  @Test
  void bytesAfterTheLastConnectFieldCloseAnMqtt311Connection() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(4), u8(0x02), u16(60), str("extra"), hex("00"))).expectClosed();
    }
  }

  @Test
  void packetIsActedOnOnlyOnceItsRemainingLengthHasArrived() throws Exception {
    try (RawClient c = RawClient.connected311(broker, "split")) {
      byte[] publish = packet(0x32, str("split/topic"), u16(3), hex("68 69"));
      c.send(java.util.Arrays.copyOf(publish, publish.length - 1));
      c.expectSilence(Duration.ofMillis(300));
      c.send(new byte[] {publish[publish.length - 1]}).expect("40 02 00 03");
    }
  }

  @Test
  void severalPacketsInOneWriteAreAllAnswered() throws Exception {
    try (RawClient c = RawClient.connected311(broker, "batch")) {
      c.send(concat(MqttBytes.PINGREQ, packet(0x32, str("t"), u16(1)), MqttBytes.PINGREQ));
      c.expect(concat(MqttBytes.PINGRESP, hex("40 02 00 01"), MqttBytes.PINGRESP));
    }
  }

  // ---- packet size ---------------------------------------------------------------------------

  /** A QoS 1 PUBLISH of exactly {@code size} bytes on the wire (two-byte remaining length). */
  private static byte[] publishOfSize(int size, boolean v5) {
    byte[] head = v5 ? concat(str("big"), u16(9), props()) : concat(str("big"), u16(9));
    byte[] p = packet(0x32, head, new byte[size - 3 - head.length]);
    assertThat(p).hasSize(size);
    return p;
  }

  @Test
  void packetOfExactlyTheMaximumSizeIsAccepted() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "max-5")) {
      c.send(publishOfSize(MAX_PACKET_SIZE, true)).expect("40 03 00 09 10");
    }
    try (RawClient c = RawClient.connected311(broker, "max-311")) {
      c.send(publishOfSize(MAX_PACKET_SIZE, false)).expect("40 02 00 09");
    }
  }

  @Test
  void packetOverTheMaximumSizeGetsDisconnect0x95ForMqtt5() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "big-5")) {
      c.send(publishOfSize(MAX_PACKET_SIZE + 1, true)).expect(disconnect5(0x95)).expectClosed();
    }
  }

  @Test
  void packetOverTheMaximumSizeIsRefusedFromItsHeaderAlone() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "huge-5")) {
      // 200 MB announced, a few bytes sent: the broker must not wait for (or buffer) the rest.
      c.send(concat(hex("32"), MqttBytes.varInt(200_000_000), str("huge"))).expect(disconnect5(0x95)).expectClosed();
    }
  }

  @Test
  void packetOverTheMaximumSizeClosesAnMqtt311Connection() throws Exception {
    try (RawClient c = RawClient.connected311(broker, "big-311")) {
      c.send(publishOfSize(MAX_PACKET_SIZE + 1, false)).expectClosed();
    }
  }

  @Test
  void connectOverTheMaximumSizeGetsConnAck0x95ForMqtt5() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(5), u8(0x02), u16(60), props(), str("x".repeat(MAX_PACKET_SIZE))));
      assertConnAckRefusal(c.readPacket(), 0x95);
      c.expectClosed();
    }
  }

  @Test
  void connectOverTheMaximumSizeClosesAnMqtt311Connection() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(4), u8(0x02), u16(60), str("x".repeat(MAX_PACKET_SIZE)))).expectClosed();
    }
  }

  // ---- packet types --------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"00 00", "20 02 00 00", "90 03 00 01 00", "b0 02 00 01", "d0 00"})
  void reservedOrServerOnlyPacketTypeClosesAnMqtt311Connection(String packet) throws Exception {
    try (RawClient c = RawClient.connected311(broker, "type-311")) {
      c.send(packet).expectClosed();
    }
  }

  @Test
  void reservedPacketType0IsMalformedForMqtt5() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "type0-5")) {
      c.send("00 00").expect(disconnect5(0x81)).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"20 03 00 00 00", "90 04 00 01 00 00", "b0 04 00 01 00 00", "d0 00"})
  void serverOnlyPacketFromAClientIsAProtocolErrorForMqtt5(String packet) throws Exception {
    try (RawClient c = RawClient.connected5(broker, "type-5")) {
      c.send(packet).expect(disconnect5(0x82)).expectClosed();
    }
  }

  @Test
  void authWithoutAnAuthenticationMethodIsAProtocolErrorForMqtt5() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "auth-5")) {
      c.send("f0 00").expect(disconnect5(0x82)).expectClosed();
    }
  }

  @Test
  void mqtt311ConnectionStaysOpenForValidPacketsInBetween() throws Exception {
    try (RawClient c = RawClient.connected311(broker, "ping-311")) {
      c.send(MqttBytes.PINGREQ).expect(MqttBytes.PINGRESP);
      c.send(connect311("ping-311-again")).expectClosed();
    }
  }
}
