package io.shadowmq.broker.mqtt.raw;

import org.junit.jupiter.api.Test;

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

/** A connection from CONNACK to its end: session present, takeover, assigned ids, keep-alive. */
class ConnectionLifecycleTest extends RawBrokerTest {

  @Test
  void packetsSentRightAfterConnectAreAnsweredAfterTheConnAck() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(concat(connect311("pipelined"), MqttBytes.PINGREQ, packet(0x82, u16(1), str("p/t"), u8(0))));
      c.expect(concat(MqttBytes.CONNACK_311, MqttBytes.PINGRESP, hex("90 03 00 01 00")));
    }
  }

  @Test
  void sessionPresentIsSetOnlyWhenAKeptSessionIsResumed() throws Exception {
    byte[] keep = packet(0x10, str("MQTT"), u8(4), u8(0x00), u16(60), str("kept"));
    try (RawClient c = RawClient.open(broker)) {
      c.send(keep).expect("20 02 00 00");
      c.send("e0 00").expectClosed();
    }
    try (RawClient c = RawClient.open(broker)) {
      c.send(keep).expect("20 02 01 00");
      c.send("e0 00").expectClosed();
    }
    try (RawClient c = RawClient.open(broker)) {
      // MQTT-3.2.2-1: clean session 1 is answered with session present 0, and ends the kept session.
      c.send(connect311("kept")).expect("20 02 00 00");
      c.send("e0 00").expectClosed();
    }
    try (RawClient c = RawClient.open(broker)) {
      c.send(keep).expect("20 02 00 00");
    }
  }

  @Test
  void aSessionEndedByDisconnectIsNotResumedByAConnectionArrivingWhileTheFirstCloses() throws Exception {
    // The second CONNECT is sent without waiting for the first connection to close: it may reach the
    // broker before, during or after the close, and in each case the clean session is gone.
    byte[] keep = packet(0x10, str("MQTT"), u8(4), u8(0x00), u16(60), str("closing"));
    for (int i = 0; i < 300; i++) {
      try (RawClient clean = RawClient.open(broker); RawClient next = RawClient.open(broker)) {
        clean.send(connect311("closing")).expect(MqttBytes.CONNACK_311);
        clean.send("e0 00");
        next.send(keep).expect("20 02 00 00");
      }
    }
  }

  @Test
  void takenOverMqtt5ConnectionGetsDisconnect0x8E() throws Exception {
    try (RawClient first = RawClient.connected5(broker, "taken");
         RawClient second = RawClient.open(broker)) {
      second.send(connect5("taken"));
      first.expect(disconnect5(0x8e)).expectClosed();
      assertThat(second.readPacket()[3]).as("CONNACK reason").isZero();
      second.send(MqttBytes.PINGREQ).expect(MqttBytes.PINGRESP);
    }
  }

  @Test
  void takenOverMqtt311ConnectionIsClosed() throws Exception {
    try (RawClient first = RawClient.connected311(broker, "taken-311");
         RawClient second = RawClient.open(broker)) {
      second.send(connect311("taken-311")).expect(MqttBytes.CONNACK_311);
      first.expectClosed();
    }
  }

  @Test
  void emptyClientIdIsAcceptedWithCleanSessionForMqtt311() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(connect311("")).expect(MqttBytes.CONNACK_311);
    }
  }

  @Test
  void emptyClientIdGetsAnAssignedClientIdentifierForMqtt5() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(packet(0x10, str("MQTT"), u8(5), u8(0x00), u16(60), props(hex("17 00")), str("")));
      byte[] connAck = c.readPacket();
      assertThat(connAck[3]).as("CONNACK reason").isZero();
      assertThat(MqttBytes.readProperties(connAck, 4).get(0x12)).as("Assigned Client Identifier")
          .isInstanceOfSatisfying(String.class, id -> assertThat(id).isNotBlank());
    }
  }

  @Test
  void silentMqtt5ClientGetsDisconnect0x8DAfterOneAndAHalfKeepAlives() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      long start = System.nanoTime();
      c.send(packet(0x10, str("MQTT"), u8(5), u8(0x02), u16(1), props(hex("17 00")), str("keepalive-5")));
      c.readPacket();
      c.expect(disconnect5(0x8d)).expectClosed();
      assertThat((System.nanoTime() - start) / 1_000_000).as("ms until the broker gave up").isGreaterThanOrEqualTo(1_500);
    }
  }

  @Test
  void silentMqtt311ClientIsClosedAfterOneAndAHalfKeepAlives() throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      long start = System.nanoTime();
      c.send(packet(0x10, str("MQTT"), u8(4), u8(0x02), u16(1), str("keepalive-311"))).expect(MqttBytes.CONNACK_311);
      c.expectClosed();
      assertThat((System.nanoTime() - start) / 1_000_000).as("ms until the broker gave up").isGreaterThanOrEqualTo(1_500);
    }
  }
}
