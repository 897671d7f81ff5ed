package io.shadowmq.broker.mqtt.raw;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.shadowmq.broker.mqtt.raw.MqttBytes.disconnect5;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.hex;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.packet;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.props;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.str;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u16;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u8;

/**
 * MQTT 5 properties (section 2.2.2): an identifier not valid for the packet type is a malformed
 * packet (0x81); a property given twice, or a value the spec forbids, is a protocol error (0x82).
 */
class PropertiesTest extends RawBrokerTest {

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
      "PUBLISH with Session Expiry Interval,     30 09 00 01 74 05 11 00 00 00 01",
      "PUBLISH with an unknown identifier,       30 06 00 01 74 02 50 00",
      "PUBLISH with Assigned Client Identifier,  30 08 00 01 74 04 12 00 01 61",
      "SUBSCRIBE with Message Expiry Interval,   82 0c 00 01 05 02 00 00 00 01 00 01 74 00",
      "UNSUBSCRIBE with Subscription Identifier, a2 08 00 01 02 0b 01 00 01 74",
      "PUBACK with Content Type,                 40 08 00 01 00 04 03 00 01 61",
      "PUBREL with Topic Alias,                  62 07 00 01 00 03 23 00 01",
      "DISCONNECT with Payload Format Indicator, e0 04 00 02 01 01",
  })
  void propertyNotValidForThePacketTypeIsMalformed(String what, String bytes) throws Exception {
    try (RawClient c = RawClient.connected5(broker, "prop-type")) {
      c.send(bytes).expect(disconnect5(0x81)).expectClosed();
    }
  }

  @ParameterizedTest(name = "CONNECT properties {0}")
  @ValueSource(strings = {"18 00 00 00 01", "02 00 00 00 01", "12 00 01 61", "24 01", "50 00"})
  void propertyNotValidInConnectRefusesWithConnAck0x81(String property) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(5), u8(0x02), u16(60), props(hex(property)), str("prop-connect")));
      assertConnAckRefusal(c.readPacket(), 0x81);
      c.expectClosed();
    }
  }

  @ParameterizedTest(name = "will properties {0}")
  @ValueSource(strings = {"11 00 00 00 01", "21 00 05", "0b 01"})
  void propertyNotValidInAWillRefusesWithConnAck0x81(String property) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(5), u8(0x06), u16(60), props(), str("prop-will"), props(hex(property)),
          str("w/t"), str("x")));
      assertConnAckRefusal(c.readPacket(), 0x81);
      c.expectClosed();
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
      "PUBLISH with Message Expiry twice,       30 0e 00 01 74 0a 02 00 00 00 01 02 00 00 00 02",
      "PUBLISH with Content Type twice,         30 0c 00 01 74 08 03 00 01 61 03 00 01 62",
      "PUBLISH with Payload Format twice,       30 08 00 01 74 04 01 00 01 00",
      "SUBSCRIBE with Subscription Id twice,    82 0b 00 01 04 0b 01 0b 02 00 01 74 00",
      "DISCONNECT with Reason String twice,     e0 0a 00 08 1f 00 01 61 1f 00 01 62",
  })
  void propertyGivenTwiceIsAProtocolError(String what, String bytes) throws Exception {
    try (RawClient c = RawClient.connected5(broker, "prop-twice")) {
      c.send(bytes).expect(disconnect5(0x82)).expectClosed();
    }
  }

  @ParameterizedTest(name = "CONNECT properties {0}")
  @ValueSource(strings = {
      "11 00 00 00 01 11 00 00 00 02", // Session Expiry Interval twice
      "21 00 05 21 00 06",             // Receive Maximum twice
      "21 00 00",                      // Receive Maximum 0
      "27 00 00 00 00",                // Maximum Packet Size 0
      "17 02",                         // Request Problem Information 2
      "19 02",                         // Request Response Information 2
      "22 00 01 22 00 02",             // Topic Alias Maximum twice
  })
  void forbiddenConnectPropertyValueRefusesWithConnAck0x82(String properties) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(5), u8(0x02), u16(60), props(hex(properties)), str("prop-value")));
      assertConnAckRefusal(c.readPacket(), 0x82);
      c.expectClosed();
    }
  }

  @Test
  void subscriptionIdentifier0IsAProtocolError() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "subid0")) {
      c.send(packet(0x82, u16(1), props(hex("0b 00")), str("t"), u8(0))).expect(disconnect5(0x82)).expectClosed();
    }
  }

  @Test
  void propertyLengthRunningPastThePacketIsMalformed() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "prop-len")) {
      c.send("30 05 00 01 74 09 01").expect(disconnect5(0x81)).expectClosed();
    }
  }

  @Test
  void propertyValueRunningPastThePropertyLengthIsMalformed() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "prop-value-len")) {
      c.send("30 0a 00 01 74 02 02 00 00 00 01 78").expect(disconnect5(0x81)).expectClosed();
    }
  }

  @Test
  void stringPropertyThatIsNotWellFormedUtf8IsMalformed() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "prop-utf8")) {
      c.send("30 0a 00 01 74 06 03 00 03 ed a0 80").expect(disconnect5(0x81)).expectClosed();
    }
  }

  @Test
  void userPropertyMayAppearMoreThanOnce() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "prop-user")) {
      c.send(packet(0x32, str("t"), u16(3), props(hex("26"), str("k"), str("1"), hex("26"), str("k"), str("2")), hex("78")))
          .expect("40 03 00 03 10");
    }
  }
}
