package io.shadowmq.broker.mqtt.raw;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.shadowmq.broker.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.shadowmq.broker.mqtt.raw.MqttBytes.hex;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.packet;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.str;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u16;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One broker for a class of raw-byte tests, and a real client (HiveMQ) connected to it the whole
 * time. After every test, a new connection publishes and that client must get the message: bad
 * input on one connection must not hurt the broker or anyone else.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
abstract class RawBrokerTest {
  /** Limits small enough to hit with a few bytes. */
  static final int MAX_PACKET_SIZE = 1024;
  static final int RECEIVE_MAXIMUM = 2;
  static final int TOPIC_ALIAS_MAXIMUM = 4;

  /** The CONNACK an MQTT 5 client gets from this broker: Receive Maximum, Topic Alias Maximum, Maximum Packet Size. */
  static final byte[] CONNACK_5 = hex("20 0e 00 00 0b 21 00 02 22 00 04 27 00 00 04 00");

  static TestBroker broker;
  private static Mqtt5BlockingClient watcher;
  private static Mqtt5BlockingClient.Mqtt5Publishes watched;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = TestBroker.start("--max-packet-size", String.valueOf(MAX_PACKET_SIZE),
        "--receive-maximum", String.valueOf(RECEIVE_MAXIMUM),
        "--topic-alias-maximum", String.valueOf(TOPIC_ALIAS_MAXIMUM));
    watcher = MqttClient.builder().useMqttVersion5().identifier("watcher").serverHost(broker.host())
        .serverPort(broker.port()).buildBlocking();
    watcher.connect();
    watched = watcher.publishes(MqttGlobalPublishFilter.SUBSCRIBED);
    watcher.subscribeWith().topicFilter("raw/alive").qos(MqttQos.AT_LEAST_ONCE).send();
  }

  @AfterAll
  static void stopBroker() {
    if (watcher != null) {
      watched.close();
      watcher.disconnect();
    }
    if (broker != null) {
      broker.close();
    }
  }

  /**
   * Asserts an MQTT 5 CONNACK refusing the connection with the reason code; its only properties
   * may be a reason string and user properties (what a refusal may carry).
   */
  static void assertConnAckRefusal(byte[] packet, int reasonCode) {
    assertThat(packet[0]).as("CONNACK").isEqualTo((byte) 0x20);
    assertThat(packet[1] & 0x80).as("a CONNACK this short has a one-byte remaining length").isZero();
    assertThat(packet[2]).as("session present").isEqualTo((byte) 0);
    assertThat(packet[3] & 0xFF).as("CONNACK reason code").isEqualTo(reasonCode);
    assertOnlyReasonProperties(packet, 4);
  }

  /** Asserts an MQTT 5 DISCONNECT with the reason code and at most a reason string or user properties. */
  static void assertDisconnect(byte[] packet, int reasonCode) {
    assertThat(packet[0]).as("DISCONNECT").isEqualTo((byte) 0xE0);
    assertThat(packet[1] & 0x80).as("a DISCONNECT this short has a one-byte remaining length").isZero();
    assertThat(packet[2] & 0xFF).as("DISCONNECT reason code").isEqualTo(reasonCode);
    assertOnlyReasonProperties(packet, 3);
  }

  private static void assertOnlyReasonProperties(byte[] packet, int at) {
    assertThat(MqttBytes.readProperties(packet, at).keySet()).as("property ids").isSubsetOf(0x1F);
  }

  @AfterEach
  void brokerAndOtherClientsStillWork(TestInfo test) throws Exception {
    String payload = test.getDisplayName();
    try (RawClient c = RawClient.connected311(broker, "alive-check")) {
      byte[] body = payload.getBytes(StandardCharsets.UTF_8);
      c.send(packet(0x32, str("raw/alive"), u16(7), body));
      c.expect("40 02 00 07");
      c.send("e0 00");
      c.expectClosed();
    }
    Optional<Mqtt5Publish> got = watched.receive(5, TimeUnit.SECONDS);
    assertThat(got).as("the watching client still gets messages").isPresent();
    assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo(payload);
  }
}
