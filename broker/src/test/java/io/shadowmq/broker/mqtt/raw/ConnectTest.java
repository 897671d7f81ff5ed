package io.shadowmq.broker.mqtt.raw;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.shadowmq.broker.mqtt.raw.MqttBytes.concat;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.connect311;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.connect5;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.disconnect5;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.hex;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.lengthPrefixed;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.packet;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.props;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.str;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u16;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u8;

/** CONNECT: what comes before it, protocol name and level, strings in it, and a second CONNECT. */
class ConnectTest extends RawBrokerTest {

  @ParameterizedTest
  @ValueSource(strings = {"c0 00", "30 03 00 01 74", "82 06 00 01 00 01 74 00", "e0 00"})
  void packetBeforeConnectClosesTheConnection(String packet) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet).expectClosed();
    }
  }

  @Test
  void secondConnectClosesAnMqtt311Connection() throws Exception {
    try (RawClient c = RawClient.connected311(broker, "twice-311")) {
      c.send(connect311("twice-311")).expectClosed();
    }
  }

  @Test
  void secondConnectIsAProtocolErrorForMqtt5() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "twice-5")) {
      c.send(connect5("twice-5")).expect(disconnect5(0x82)).expectClosed();
    }
  }

  @ParameterizedTest(name = "second CONNECT as protocol {0} level {1}")
  @CsvSource({"MQTT, 4", "MQIsdp, 3", "MQTT, 6", "XXXX, 4"})
  void secondConnectOfAnyProtocolVersionIsAProtocolErrorForMqtt5(String name, int level) throws Exception {
    try (RawClient c = RawClient.connected5(broker, "twice-any-5")) {
      c.send(packet(0x10, str(name), u8(level), u8(0x02), u16(60), str("twice-any-5")));
      c.expect(disconnect5(0x82)).expectClosed();
    }
  }

  @ParameterizedTest(name = "protocol {0} level {1}")
  @CsvSource({"MQTT, 3", "MQTT, 6", "MQTT, 0", "MQIsdp, 4", "MQIsdp, 5"})
  void unsupportedProtocolLevelIsRefusedWithReturnCode1(String name, int level) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str(name), u8(level), u8(0x02), u16(60), str("level")));
      c.expect("20 02 00 01").expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"MQTX", "mqtt", "MQ", "MQTTT", ""})
  void wrongProtocolNameClosesTheConnectionWithoutConnAck(String name) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str(name), u8(4), u8(0x02), u16(60), str("name"))).expectClosed();
    }
  }

  @Test
  void mqtt31ConnectIsAccepted() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQIsdp"), u8(3), u8(0x02), u16(60), str("v31"))).expect("20 02 00 00");
    }
  }

  @Test
  void emptyClientIdWithoutCleanSessionIsRefusedWithReturnCode2() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(4), u8(0x00), u16(60), str(""))).expect("20 02 00 02").expectClosed();
    }
  }

  @Test
  void passwordWithoutUserNameClosesAnMqtt311Connection() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(4), u8(0x42), u16(60), str("pw"), str("secret"))).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"1c", "3a", "22"}) // will QoS 3; will retain and QoS without the will flag
  void inconsistentWillFlagsCloseAnMqtt311Connection(String flags) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(4), hex(flags), u16(60), str("will-flags"))).expectClosed();
    }
  }

  @Test
  void willQos3RefusesMqtt5WithConnAck0x81() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(5), u8(0x1e), u16(60), props(), str("will-qos3"), props(), str("w"), str("x")));
      assertConnAckRefusal(c.readPacket(), 0x81);
      c.expectClosed();
    }
  }

  // ---- UTF-8 in client id and will topic -------------------------------------------------------

  /**
   * Client ids between "a" and "b" that MQTT forbids: ill-formed UTF-8 (MQTT-1.5.3-1: never-valid
   * byte, overlong U+0000 and '/', above U+10FFFF, truncated), U+0000 (MQTT-1.5.3-2) and encoded
   * surrogates U+D800 and U+DFFF.
   */
  @ParameterizedTest
  @ValueSource(strings = {"61 ff 62", "61 00 62", "61 c0 80 62", "61 e0 80 af 62", "61 ed a0 80 62", "61 ed bf bf 62",
      "61 f4 90 80 80 62", "61 c3 62"})
  void clientIdThatIsNotWellFormedUtf8ClosesAnMqtt311Connection(String clientId) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(4), u8(0x02), u16(60), lengthPrefixed(hex(clientId)))).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"61 ff 62", "61 00 62", "61 c0 80 62", "61 e0 80 af 62", "61 ed a0 80 62", "61 ed bf bf 62",
      "61 f4 90 80 80 62", "61 c3 62"})
  void clientIdThatIsNotWellFormedUtf8RefusesMqtt5WithConnAck0x81(String clientId) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(5), u8(0x02), u16(60), props(), lengthPrefixed(hex(clientId))));
      assertConnAckRefusal(c.readPacket(), 0x81);
      c.expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"61 ff 62", "61 00 62", "61 c0 80 62", "61 ed a0 80 62", "61 c3 62"})
  void willTopicThatIsNotWellFormedUtf8ClosesAnMqtt311Connection(String topic) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(4), u8(0x06), u16(60), str("will-utf8"), lengthPrefixed(hex(topic)), str("x")));
      c.expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"61 ff 62", "61 00 62", "61 c0 80 62", "61 ed a0 80 62", "61 c3 62"})
  void willTopicThatIsNotWellFormedUtf8RefusesMqtt5WithConnAck0x81(String topic) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(5), u8(0x06), u16(60), props(), str("will-utf8"), props(),
          lengthPrefixed(hex(topic)), str("x")));
      assertConnAckRefusal(c.readPacket(), 0x81);
      c.expectClosed();
    }
  }

  @Test
  void userNameThatIsNotWellFormedUtf8ClosesAnMqtt311Connection() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(4), u8(0x82), u16(60), str("user-utf8"), lengthPrefixed(hex("ed a0 80"))));
      c.expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/+", "a/#", "#"})
  void willTopicWithAWildcardClosesAnMqtt311Connection(String topic) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(4), u8(0x06), u16(60), str("will-wild"), str(topic), str("x"))).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/+", "a/#", "#"})
  void willTopicWithAWildcardRefusesMqtt5WithConnAck0x90(String topic) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(5), u8(0x06), u16(60), props(), str("will-wild"), props(), str(topic), str("x")));
      assertConnAckRefusal(c.readPacket(), 0x90);
      c.expectClosed();
    }
  }

  @Test
  void multiByteUtf8InClientIdIsAccepted() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(4), u8(0x02), u16(60), str("gerät-🚀"))).expect("20 02 00 00");
    }
  }

  @Test
  void connectSplitAcrossWritesIsAccepted() throws Exception {
    byte[] connect = concat(connect311("split-connect"));
    try (RawClient c = RawClient.open(broker)) {
      for (byte b : connect) {
        c.send(new byte[] {b});
      }
      c.expect("20 02 00 00");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"re/#", "+", ""})
  void willResponseTopicThatIsNoTopicNameRefusesMqtt5WithConnAck0x82(String responseTopic) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(5), u8(0x06), u16(60), props(), str("will-resp"),
          props(hex("08"), str(responseTopic)), str("w/t"), str("x")));
      assertConnAckRefusal(c.readPacket(), 0x82);
      c.expectClosed();
    }
  }
}
