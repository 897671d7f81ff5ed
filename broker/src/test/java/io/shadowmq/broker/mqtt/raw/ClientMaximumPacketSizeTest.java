package io.shadowmq.broker.mqtt.raw;

import org.junit.jupiter.api.Test;

import static io.shadowmq.broker.mqtt.raw.MqttBytes.hex;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.packet;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.props;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.str;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u16;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u32;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u8;

/**
 * The Maximum Packet Size an MQTT 5 client announces binds the broker (MQTT-3.1.2-24): a reason
 * string that would make an acknowledgement too large is left out (MQTT-3.4.2-2 and its twins
 * for the other packets), never the acknowledgement itself.
 */
class ClientMaximumPacketSizeTest extends RawBrokerTest {
  private static final int CLIENT_MAXIMUM = CONNACK_5.length; // the successful CONNACK just fits

  /** CONNECT asking for problem information (the default) with a small Maximum Packet Size. */
  private static RawClient connectedWithSmallMaximum(String clientId) throws Exception {
    RawClient c = RawClient.open(broker);
    c.send(packet(0x10, str("MQTT"), u8(5), u8(0x02), u16(60), props(hex("27"), u32(CLIENT_MAXIMUM)), str(clientId)));
    c.expect(CONNACK_5);
    return c;
  }

  @Test
  void pubackLeavesOutAReasonStringTheClientHasNoRoomFor() throws Exception {
    try (RawClient c = connectedWithSmallMaximum("small-puback")) {
      c.send(packet(0x32, str("$SYS/x"), u16(5), props(), hex("78"))).expect("40 03 00 05 90");
    }
  }

  @Test
  void subackLeavesOutAReasonStringTheClientHasNoRoomFor() throws Exception {
    try (RawClient c = connectedWithSmallMaximum("small-suback")) {
      c.send(packet(0x82, u16(7), props(), str("a/#/b"), u8(0))).expect("90 04 00 07 00 8f");
    }
  }

  @Test
  void disconnectLeavesOutAReasonStringTheClientHasNoRoomFor() throws Exception {
    try (RawClient c = connectedWithSmallMaximum("small-disconnect")) {
      c.send("36 06 00 01 74 00 01 00").expect(MqttBytes.disconnect5(0x81)).expectClosed();
    }
  }

  @Test
  void connAckRefusalLeavesOutAReasonStringTheClientHasNoRoomFor() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(5), u8(0x02), u16(60), props(hex("27"), u32(CLIENT_MAXIMUM), hex("15"), str("SCRAM")),
          str("small-connack")));
      c.expect("20 03 00 8c 00").expectClosed();
    }
  }

  @Test
  void publishIsSentWithoutATopicAliasWhenTheAliasWouldMakeItTooLarge() throws Exception {
    try (RawClient sub = RawClient.open(broker); RawClient pub = RawClient.connected311(broker, "alias-size-pub")) {
      sub.send(packet(0x10, str("MQTT"), u8(5), u8(0x02), u16(60),
          props(hex("27"), u32(CLIENT_MAXIMUM), hex("22"), u16(2)), str("alias-size-sub")));
      sub.expect(CONNACK_5);
      sub.send(packet(0x82, u16(1), props(), str("pm/t"), u8(0))).expect("90 04 00 01 00 00");

      // Exactly the client's maximum without a topic alias; a new alias would add three bytes.
      pub.send(packet(0x30, str("pm/t"), hex("31 32 33 34 35 36 37")));
      sub.expect(packet(0x30, str("pm/t"), props(), hex("31 32 33 34 35 36 37")));
      // Small enough for an alias: it is set, then used alone.
      pub.send(packet(0x30, str("pm/t"), hex("78")));
      sub.expect(packet(0x30, str("pm/t"), props(hex("23"), u16(1)), hex("78")));
      pub.send(packet(0x30, str("pm/t"), hex("79")));
      sub.expect(packet(0x30, str(""), props(hex("23"), u16(1)), hex("79")));
    }
  }
}
