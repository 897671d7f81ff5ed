package io.shadowmq.broker.mqtt.raw;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.shadowmq.broker.mqtt.raw.MqttBytes.hex;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.packet;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.str;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.toHex;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u16;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A QoS 0 message to many subscribers is encoded once per event loop and its bytes shared: every
 * subscriber must still get exactly the bytes of its own protocol version and retain flag.
 */
class FanOutTest extends RawBrokerTest {

  @Test
  void everySubscriberOfAFanOutGetsTheBytesOfItsOwnProtocolAndRetainFlag() throws Exception {
    List<RawClient> v311 = new ArrayList<>();
    List<RawClient> v5 = new ArrayList<>();
    List<RawClient> v5RetainAsPublished = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        RawClient a = RawClient.connected311(broker, "fan-311-" + i);
        a.send(packet(0x82, u16(1), str("fan/out"), u8(0))).expect("90 03 00 01 00");
        v311.add(a);
        RawClient b = RawClient.connected5(broker, "fan-5-" + i);
        b.send(packet(0x82, u16(1), hex("00"), str("fan/out"), u8(0))).expect("90 04 00 01 00 00");
        v5.add(b);
        RawClient c = RawClient.connected5(broker, "fan-5-rap-" + i);
        c.send(packet(0x82, u16(1), hex("00"), str("fan/out"), u8(0x08))).expect("90 04 00 01 00 00");
        v5RetainAsPublished.add(c);
      }
      byte[] payload = "one encoding".getBytes(StandardCharsets.UTF_8);
      try (RawClient publisher = RawClient.connected311(broker, "fan-publisher")) {
        publisher.send(packet(0x31, str("fan/out"), payload)); // QoS 0, retained
      }
      byte[] asV311 = packet(0x30, str("fan/out"), payload);
      byte[] asV5 = packet(0x30, str("fan/out"), hex("00"), payload);
      byte[] asV5Retained = packet(0x31, str("fan/out"), hex("00"), payload);
      for (RawClient c : v311) {
        assertThat(toHex(c.readPacket())).isEqualTo(toHex(asV311));
      }
      for (RawClient c : v5) {
        assertThat(toHex(c.readPacket())).isEqualTo(toHex(asV5));
      }
      for (RawClient c : v5RetainAsPublished) {
        assertThat(toHex(c.readPacket())).isEqualTo(toHex(asV5Retained));
      }
    } finally {
      for (List<RawClient> group : List.of(v311, v5, v5RetainAsPublished)) {
        for (RawClient c : group) {
          c.close();
        }
      }
    }
  }
}
