package io.shadowmq.broker.mqtt.raw;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.shadowmq.broker.mqtt.raw.MqttBytes.disconnect5;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.hex;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.lengthPrefixed;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.packet;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.props;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.str;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u16;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u8;

/** SUBSCRIBE and UNSUBSCRIBE: options, filters and packet ids. */
class SubscribeTest extends RawBrokerTest {

  @Test
  void qos3InSubscribeClosesAnMqtt311Connection() throws Exception {
    try (RawClient c = RawClient.connected311(broker, "sq3-311")) {
      c.send(packet(0x82, u16(1), str("t"), u8(3))).expectClosed();
    }
  }

  @Test
  void qos3InSubscribeIsMalformedForMqtt5() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "sq3-5")) {
      c.send(packet(0x82, u16(1), props(), str("t"), u8(3))).expect(disconnect5(0x81)).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"04", "08", "10", "20", "40", "80"})
  void reservedBitsOfTheRequestedQosCloseAnMqtt311Connection(String options) throws Exception {
    try (RawClient c = RawClient.connected311(broker, "sres-311")) {
      c.send(packet(0x82, u16(1), str("t"), hex(options))).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"40", "80", "c1"})
  void reservedBitsOfTheSubscriptionOptionsAreMalformedForMqtt5(String options) throws Exception {
    try (RawClient c = RawClient.connected5(broker, "sres-5")) {
      c.send(packet(0x82, u16(1), props(), str("t"), hex(options))).expect(disconnect5(0x81)).expectClosed();
    }
  }

  @Test
  void retainHandling3IsAProtocolError() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "rh3")) {
      c.send(packet(0x82, u16(1), props(), str("t"), u8(0x30))).expect(disconnect5(0x82)).expectClosed();
    }
  }

  @Test
  void subscribeWithoutFiltersClosesAnMqtt311Connection() throws Exception {
    try (RawClient c = RawClient.connected311(broker, "snone-311")) {
      c.send("82 02 00 01").expectClosed();
    }
  }

  @Test
  void subscribeWithoutFiltersIsAProtocolErrorForMqtt5() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "snone-5")) {
      c.send("82 03 00 01 00").expect(disconnect5(0x82)).expectClosed();
    }
  }

  @Test
  void unsubscribeWithoutFiltersClosesAnMqtt311Connection() throws Exception {
    try (RawClient c = RawClient.connected311(broker, "unone-311")) {
      c.send("a2 02 00 01").expectClosed();
    }
  }

  @Test
  void unsubscribeWithoutFiltersIsAProtocolErrorForMqtt5() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "unone-5")) {
      c.send("a2 03 00 01 00").expect(disconnect5(0x82)).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0x82, 0xa2})
  void packetId0InSubscribeOrUnsubscribeClosesAnMqtt311Connection(int firstByte) throws Exception {
    try (RawClient c = RawClient.connected311(broker, "spid0-311")) {
      c.send(firstByte == 0x82 ? packet(firstByte, u16(0), str("t"), u8(0)) : packet(firstByte, u16(0), str("t")))
          .expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0x82, 0xa2})
  void packetId0InSubscribeOrUnsubscribeIsAProtocolErrorForMqtt5(int firstByte) throws Exception {
    try (RawClient c = RawClient.connected5(broker, "spid0-5")) {
      c.send(firstByte == 0x82 ? packet(firstByte, u16(0), props(), str("t"), u8(0)) : packet(firstByte, u16(0), props(), str("t")))
          .expect(disconnect5(0x82)).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"61 ff 62", "61 00 62", "61 ed a0 80 62"})
  void filterThatIsNotWellFormedUtf8ClosesAnMqtt311Connection(String filter) throws Exception {
    try (RawClient c = RawClient.connected311(broker, "sutf-311")) {
      c.send(packet(0x82, u16(1), lengthPrefixed(hex(filter)), u8(0))).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"61 ff 62", "61 00 62", "61 ed a0 80 62"})
  void filterThatIsNotWellFormedUtf8IsMalformedForMqtt5(String filter) throws Exception {
    try (RawClient c = RawClient.connected5(broker, "sutf-5")) {
      c.send(packet(0x82, u16(1), props(), lengthPrefixed(hex(filter)), u8(0))).expect(disconnect5(0x81)).expectClosed();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/#/b", "a+", "#a", "a/b#", "$share/g", "$share//t", "$share/g/", "$share/g+/t"})
  void invalidFilterGetsSubackFailure0x80ForMqtt311(String filter) throws Exception {
    try (RawClient c = RawClient.connected311(broker, "sinv-311")) {
      c.send(packet(0x82, u16(7), str(filter), u8(1))).expect("90 03 00 07 80");
      c.send(MqttBytes.PINGREQ).expect(MqttBytes.PINGRESP);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/#/b", "a+", "#a", "a/b#", "$share/g", "$share//t", "$share/g/", "$share/g+/t"})
  void invalidFilterGetsSuback0x8FForMqtt5(String filter) throws Exception {
    try (RawClient c = RawClient.connected5(broker, "sinv-5")) {
      c.send(packet(0x82, u16(7), props(), str(filter), u8(1))).expect("90 04 00 07 00 8f");
      c.send(MqttBytes.PINGREQ).expect(MqttBytes.PINGRESP);
    }
  }

  @Test
  void eachFilterOfASubscribeGetsItsOwnReturnCode() throws Exception {
    try (RawClient c = RawClient.connected311(broker, "smix-311")) {
      c.send(packet(0x82, u16(9), str("a"), u8(1), str("a/#/b"), u8(0), str("b/+"), u8(2), str("#"), u8(0)))
          .expect("90 06 00 09 01 80 02 00");
    }
  }

  @Test
  void noLocalOnASharedSubscriptionIsAProtocolError() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "share-nl")) {
      c.send(packet(0x82, u16(1), props(), str("$share/g/t"), u8(0x04))).expect(disconnect5(0x82)).expectClosed();
    }
  }

  @Test
  void unsubscribeAnswersEachFilterForMqtt5AndNothingPerFilterForMqtt311() throws Exception {
    try (RawClient c = RawClient.connected5(broker, "unsub-5")) {
      c.send(packet(0x82, u16(1), props(), str("u/a"), u8(0))).expect("90 04 00 01 00 00");
      c.send(packet(0xa2, u16(2), props(), str("u/a"), str("u/b"), str("u/#/x"))).expect("b0 06 00 02 00 00 11 8f");
    }
    try (RawClient c = RawClient.connected311(broker, "unsub-311")) {
      c.send(packet(0xa2, u16(3), str("u/b"))).expect("b0 02 00 03");
    }
  }
}
