package io.shadowmq.broker.mqtt.raw;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.shadowmq.broker.mqtt.raw.MqttBytes.hex;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.packet;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.props;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.str;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u16;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u32;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A QoS 2 message in flight to a member of a shared subscription stays with that member: it is
 * completed when the member reconnects (MQTT-4.8.2-4) and never handed to another member, not
 * even when the member's session ends (MQTT-4.8.2-5).
 */
class SharedSubscriptionTest extends RawBrokerTest {

  private static RawClient member(String clientId, boolean cleanStart, long sessionExpiry) throws Exception {
    RawClient c = RawClient.open(broker);
    c.send(packet(0x10, str("MQTT"), u8(5), u8(cleanStart ? 0x02 : 0x00), u16(60),
        props(hex("17 00"), hex("11"), u32(sessionExpiry)), str(clientId)));
    byte[] connAck = c.readPacket();
    assertThat(connAck[3]).as("CONNACK reason").isZero();
    return c;
  }

  private static void joinGroup(RawClient c, String topic) throws Exception {
    c.send(packet(0x82, u16(1), props(), str("$share/g/" + topic), u8(2))).expect("90 04 00 01 00 02");
  }

  /** Publishes "one" at QoS 2 with a complete handshake, from an MQTT 3.1.1 client. */
  private static void publishQos2(String topic) throws Exception {
    try (RawClient p = RawClient.connected311(broker, "shared-pub")) {
      p.send(packet(0x34, str(topic), u16(1), hex("6f 6e 65"))).expect("50 02 00 01");
      p.send("62 02 00 01").expect("70 02 00 01");
    }
  }

  @Test
  void qos2MessageInFlightToADepartedMemberIsCompletedWhenItReturnsAndGoesToNoOtherMember() throws Exception {
    RawClient a = member("share-a", true, 60);
    joinGroup(a, "sh/one");
    publishQos2("sh/one");
    a.expect(packet(0x34, str("sh/one"), u16(1), props(), hex("6f 6e 65")));
    try (RawClient b = member("share-b", true, 0)) {
      joinGroup(b, "sh/one");
      a.close(); // gone without PUBREC

      b.expectSilence(Duration.ofMillis(500));
      try (RawClient back = RawClient.open(broker)) {
        back.send(packet(0x10, str("MQTT"), u8(5), u8(0x00), u16(60), props(hex("17 00"), hex("11"), u32(60)), str("share-a")));
        assertThat(back.readPacket()[2]).as("session present").isEqualTo((byte) 1);
        back.expect(packet(0x3c, str("sh/one"), u16(1), props(), hex("6f 6e 65")));
        back.send("50 02 00 01").expect("62 02 00 01");
        back.send("70 02 00 01");
      }
    }
  }

  @Test
  void qos2MessageInFlightToAMemberWhoseSessionEndsGoesToNoOtherMember() throws Exception {
    RawClient a = member("share-c", true, 0);
    joinGroup(a, "sh/two");
    publishQos2("sh/two");
    a.expect(packet(0x34, str("sh/two"), u16(1), props(), hex("6f 6e 65")));
    try (RawClient b = member("share-d", true, 0)) {
      joinGroup(b, "sh/two");
      a.close(); // gone without PUBREC, and its session ends with the connection

      b.expectSilence(Duration.ofMillis(500));
    }
  }
}
