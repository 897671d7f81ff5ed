package io.shadowmq.broker.mqtt.raw;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static io.shadowmq.broker.mqtt.raw.MqttBytes.disconnect5;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.hex;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.lengthPrefixed;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.packet;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.props;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.str;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u16;

/** PUBLISH from a client: topic names, packet ids, topic aliases and the MQTT 5 Receive Maximum. */
class PublishTest extends RawBrokerTest {

  @ParameterizedTest
  @ValueSource(strings = {"a/+", "a/#", "#", "+", "a/b+", "a#"})
  void wildcardInTopicClosesAnMqtt311Connection(String topic) throws Exception {
    try (RawClient c = RawClient.connected311(broker, "wild-311")) {
      c.send(packet(0x30, str(topic), hex("78"))).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/+", "a/#", "#", "+", "a/b+", "a#"})
  void wildcardInTopicGetsDisconnect0x90ForMqtt5(String topic) throws Exception {
    try (RawClient c = RawClient.connected5(broker, "wild-5")) {
      c.send(packet(0x32, str(topic), u16(1), props(), hex("78"))).expect(disconnect5(0x90)).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"61 ff 62", "61 00 62", "61 c0 80 62", "61 ed a0 80 62", "61 ed bf bf 62", "61 c3 62"})
  void topicThatIsNotWellFormedUtf8ClosesAnMqtt311Connection(String topic) throws Exception {
    try (RawClient c = RawClient.connected311(broker, "utf8-311")) {
      c.send(packet(0x30, lengthPrefixed(hex(topic)), hex("78"))).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"61 ff 62", "61 00 62", "61 c0 80 62", "61 ed a0 80 62", "61 ed bf bf 62", "61 c3 62"})
  void topicThatIsNotWellFormedUtf8IsMalformedForMqtt5(String topic) throws Exception {
    try (RawClient c = RawClient.connected5(broker, "utf8-5")) {
      c.send(packet(0x30, lengthPrefixed(hex(topic)), props(), hex("78"))).expect(disconnect5(0x81)).expectClosed();
    }
  }

  @Test
  void emptyTopicClosesAnMqtt311Connection() throws Exception {
    try (RawClient c = RawClient.connected311(broker, "empty-311")) {
      c.send(packet(0x30, str(""), hex("78"))).expectClosed();
    }
  }

  @Test
  void emptyTopicWithoutATopicAliasIsAProtocolErrorForMqtt5() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "empty-5")) {
      c.send(packet(0x30, str(""), props(), hex("78"))).expect(disconnect5(0x82)).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0x32, 0x34})
  void packetId0ClosesAnMqtt311Connection(int firstByte) throws Exception {
    try (RawClient c = RawClient.connected311(broker, "pid0-311")) {
      c.send(packet(firstByte, str("t"), u16(0), hex("78"))).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0x32, 0x34})
  void packetId0IsAProtocolErrorForMqtt5(int firstByte) throws Exception {
    try (RawClient c = RawClient.connected5(broker, "pid0-5")) {
      c.send(packet(firstByte, str("t"), u16(0), props(), hex("78"))).expect(disconnect5(0x82)).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0x40, 0x50, 0x70}) // PUBACK, PUBREC, PUBCOMP
  void acknowledgementWithPacketId0ClosesAnMqtt311Connection(int firstByte) throws Exception {
    try (RawClient c = RawClient.connected311(broker, "ackpid0-311")) {
      c.send(packet(firstByte, u16(0))).expectClosed();
    }
  }

  // ---- topic aliases -------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {0, TOPIC_ALIAS_MAXIMUM + 1, 65_535})
  void topicAliasOutsideTheAnnouncedRangeGetsDisconnect0x94(int alias) throws Exception {
    try (RawClient c = RawClient.connected5(broker, "alias-bad")) {
      c.send(packet(0x30, str("alias/t"), props(hex("23"), u16(alias)), hex("78"))).expect(disconnect5(0x94)).expectClosed();
    }
  }

  @Test
  void topicAliasThatWasNeverSetIsAProtocolError() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "alias-unset")) {
      c.send(packet(0x30, str(""), props(hex("23"), u16(1)), hex("78"))).expect(disconnect5(0x82)).expectClosed();
    }
  }

  @Test
  void topicAliasSetByAPublishStandsForItsTopicInTheNext() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "alias-ok")) {
      c.send(packet(0x82, u16(1), props(), str("alias/t"), hex("00"))).expect("90 04 00 01 00 00");
      c.send(packet(0x30, str("alias/t"), props(hex("23"), u16(TOPIC_ALIAS_MAXIMUM)), hex("31")));
      c.expect(packet(0x30, str("alias/t"), props(), hex("31")));
      c.send(packet(0x30, str(""), props(hex("23"), u16(TOPIC_ALIAS_MAXIMUM)), hex("32")));
      c.expect(packet(0x30, str("alias/t"), props(), hex("32")));
    }
  }

  // ---- flow control --------------------------------------------------------------------------

  @Test
  void moreQos2PublishesThanTheReceiveMaximumGetDisconnect0x93() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "recv-max")) {
      c.send(packet(0x34, str("rm/t"), u16(1), props(), hex("31"))).expect("50 03 00 01 10");
      c.send(packet(0x34, str("rm/t"), u16(2), props(), hex("32"))).expect("50 03 00 02 10");
      // A resend of an unreleased id is not a new message.
      c.send(packet(0x3c, str("rm/t"), u16(2), props(), hex("32"))).expect("50 02 00 02");
      c.send(packet(0x34, str("rm/t"), u16(3), props(), hex("33"))).expect(disconnect5(0x93)).expectClosed();
    }
  }

  @Test
  void releasedQos2PublishMakesRoomUnderTheReceiveMaximum() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "recv-room")) {
      c.send(packet(0x34, str("rm/t"), u16(1), props(), hex("31"))).expect("50 03 00 01 10");
      c.send(packet(0x34, str("rm/t"), u16(2), props(), hex("32"))).expect("50 03 00 02 10");
      c.send("62 02 00 01").expect("70 02 00 01");
      c.send(packet(0x34, str("rm/t"), u16(3), props(), hex("33"))).expect("50 03 00 03 10");
    }
  }

  @Test
  void pubrelForAnUnknownPacketIdGetsPubcomp0x92ForMqtt5() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "pubrel-unknown")) {
      c.send("62 02 00 2a").expect("70 03 00 2a 92");
      c.send(MqttBytes.PINGREQ).expect(MqttBytes.PINGRESP);
    }
  }

  @Test
  void qos0PublishIsNotAcknowledged() throws Exception {
    try (RawClient c = RawClient.connected311(broker, "qos0")) {
      c.send(packet(0x30, str("q/0"), hex("78")));
      c.expectSilence(Duration.ofMillis(300));
    }
  }

  // ---- properties and payload ----------------------------------------------------------------

  @Test
  void subscriptionIdentifierInAClientPublishIsAProtocolError() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "pub-subid")) {
      c.send(packet(0x30, str("t"), props(hex("0b 01")), hex("78"))).expect(disconnect5(0x82)).expectClosed();
    }
  }

  @Test
  void payloadMarkedUtf8ThatIsNotGetsPuback0x99() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "pfi")) {
      c.send(packet(0x32, str("t"), u16(4), props(hex("01 01")), hex("ed a0 80"))).expect("40 03 00 04 99");
      c.send(MqttBytes.PINGREQ).expect(MqttBytes.PINGRESP);
    }
  }

  @Test
  void publishToAReservedTopicGetsPuback0x90ForMqtt5() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "sys-5")) {
      c.send(packet(0x32, str("$SYS/x"), u16(5), props(), hex("78"))).expect("40 03 00 05 90");
      c.send(MqttBytes.PINGREQ).expect(MqttBytes.PINGRESP);
    }
  }

  @Test
  void publishToAReservedTopicIsAcknowledgedAndDroppedForMqtt311() throws Exception {
    try (RawClient sub = RawClient.connected311(broker, "sys-sub");
         RawClient c = RawClient.connected311(broker, "sys-311")) {
      sub.send(packet(0x82, u16(1), str("$SYS/x"), hex("00"))).expect("90 03 00 01 00");
      c.send(packet(0x32, str("$SYS/x"), u16(5), hex("78"))).expect("40 02 00 05");
      sub.expectSilence(Duration.ofMillis(300));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"re/#", "+/re", "#", ""})
  void responseTopicThatIsNoTopicNameIsAProtocolError(String responseTopic) throws Exception {
    try (RawClient c = RawClient.connected5(broker, "resp-wild")) {
      c.send(packet(0x32, str("t"), u16(1), props(hex("08"), str(responseTopic)), hex("78")))
          .expect(disconnect5(0x82)).expectClosed();
    }
  }

  @Test
  void responseTopicIsPassedThrough() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "resp-ok")) {
      c.send(packet(0x82, u16(1), props(), str("req/t"), hex("00"))).expect("90 04 00 01 00 00");
      c.send(packet(0x30, str("req/t"), props(hex("08"), str("re/ply"), hex("09"), u16(2), hex("01 02")), hex("78")));
      c.expect(packet(0x30, str("req/t"), props(hex("08"), str("re/ply"), hex("09"), u16(2), hex("01 02")), hex("78")));
    }
  }
}
