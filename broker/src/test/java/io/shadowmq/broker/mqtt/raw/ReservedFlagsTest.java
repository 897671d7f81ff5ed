package io.shadowmq.broker.mqtt.raw;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.shadowmq.broker.mqtt.raw.MqttBytes.disconnect5;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.packet;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.props;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.str;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u16;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u8;

/**
 * Fixed-header flags (MQTT-2.2.2-1/2, 3.1.1 and 5.0): reserved flags set on each packet type,
 * QoS 3 and DUP on QoS 0 in PUBLISH, and the reserved bit of the CONNECT flags. Each is a
 * malformed packet: the connection closes, MQTT 5 clients get DISCONNECT 0x81 first.
 */
class ReservedFlagsTest extends RawBrokerTest {

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
      "PUBLISH QoS 3,            36 05 00 01 74 00 01",
      "PUBLISH DUP on QoS 0,     38 03 00 01 74",
      "PUBACK,                   41 02 00 01",
      "PUBREC,                   51 02 00 01",
      "PUBREL without flag 2,    60 02 00 01",
      "PUBREL with flags 3,      63 02 00 01",
      "PUBCOMP,                  71 02 00 01",
      "SUBSCRIBE without flag 2, 80 06 00 01 00 01 74 00",
      "SUBSCRIBE with flags 3,   83 06 00 01 00 01 74 00",
      "UNSUBSCRIBE,              a0 05 00 01 00 01 74",
      "PINGREQ,                  c1 00",
      "DISCONNECT,               e8 00",
  })
  void reservedFixedHeaderFlagsCloseAnMqtt311Connection(String what, String bytes) throws Exception {
    try (RawClient c = RawClient.connected311(broker, "flags-311")) {
      c.send(bytes).expectClosed();
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
      "PUBLISH QoS 3,            36 06 00 01 74 00 01 00",
      "PUBLISH DUP on QoS 0,     38 04 00 01 74 00",
      "PUBACK,                   41 02 00 01",
      "PUBREC,                   51 02 00 01",
      "PUBREL without flag 2,    60 02 00 01",
      "PUBREL with flags 3,      63 02 00 01",
      "PUBCOMP,                  71 02 00 01",
      "SUBSCRIBE without flag 2, 80 07 00 01 00 00 01 74 00",
      "SUBSCRIBE with flags 3,   83 07 00 01 00 00 01 74 00",
      "UNSUBSCRIBE,              a0 06 00 01 00 00 01 74",
      "PINGREQ,                  c1 00",
      "DISCONNECT,               e8 00",
      "AUTH,                     f1 00",
  })
  void reservedFixedHeaderFlagsAreMalformedForMqtt5(String what, String bytes) throws Exception {
    try (RawClient c = RawClient.connected5(broker, "flags-5")) {
      c.send(bytes).expect(disconnect5(0x81)).expectClosed();
    }
  }

  @ParameterizedTest(name = "CONNECT first byte {0}")
  @CsvSource({"11", "12", "18"})
  void reservedConnectFixedHeaderFlagsCloseTheConnection(String firstByte) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(Integer.parseInt(firstByte, 16), str("MQTT"), u8(4), u8(0x02), u16(60), str("cf"))).expectClosed();
    }
  }

  @Test
  void reservedConnectFlagClosesAnMqtt311Connection() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(4), u8(0x03), u16(60), str("reserved-311"))).expectClosed();
    }
  }

  @Test
  void reservedConnectFlagRefusesMqtt5WithConnAck0x81() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(5), u8(0x03), u16(60), props(), str("reserved-5")));
      assertConnAckRefusal(c.readPacket(), 0x81);
      c.expectClosed();
    }
  }

  @Test
  void qos1PublishWithDupSetIsAccepted() throws Exception {
    try (RawClient c = RawClient.connected311(broker, "dup-ok")) {
      c.send("3a 06 00 01 74 00 05 78").expect("40 02 00 05");
    }
  }
}
