package io.shadowmq.broker.storage;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.shadowmq.broker.TestBroker;
import io.shadowmq.broker.mqtt.raw.RawClient;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.shadowmq.broker.mqtt.raw.MqttBytes.hex;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.packet;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.str;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.toHex;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u16;
import static io.shadowmq.broker.mqtt.raw.MqttBytes.u8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The QoS state of a persistent 3.1.1 session across a restart, byte for byte: a QoS 1 message
 * sent and not acknowledged is sent again with DUP, and a QoS 2 message the client had sent and
 * not released is not delivered a second time when the client resends it.
 */
@Timeout(120)
class InFlightRestartTest {
  @TempDir
  Path dataDir;
  TestBroker broker;
  RawClient device;
  Mqtt5BlockingClient watcher;

  @AfterEach
  void tearDown() throws Exception {
    if (device != null) {
      device.close();
    }
    if (watcher != null) {
      watcher.disconnect();
    }
    if (broker != null) {
      broker.close();
    }
  }

  static byte[] persistentConnect(String clientId) {
    return packet(0x10, str("MQTT"), u8(4), u8(0x00), u16(60), str(clientId)); // clean session 0
  }

  long rows(String sql) throws Exception {
    Pool pool = broker.node().storage().pool();
    return pool.query(sql).execute().await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
  }

  Mqtt5BlockingClient watch(String filter) {
    Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier("watcher").serverHost("127.0.0.1")
        .serverPort(broker.port()).buildBlocking();
    c.connect();
    c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
    return c;
  }

  @Test
  void unacknowledgedAndUnreleasedMessagesKeepTheirStateAcrossARestart() throws Exception {
    broker = TestBroker.startWithStorage("--data-dir", dataDir.toString(), "--storage-write-interval", "50");
    device = RawClient.open(broker);
    device.send(persistentConnect("meter-9")).expect("20 02 00 00");
    device.send(packet(0x82, u16(1), str("cmd/meter-9"), u8(1))).expect("90 03 00 01 01");
    watcher = watch("up/#");
    var upstream = watcher.publishes(MqttGlobalPublishFilter.ALL);

    Mqtt5BlockingClient app = MqttClient.builder().useMqttVersion5().identifier("app").serverHost("127.0.0.1")
        .serverPort(broker.port()).buildBlocking();
    app.connect();
    app.publishWith().topic("cmd/meter-9").payload("read".getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();
    app.disconnect();
    byte[] first = device.readPacket();
    assertThat(first[0]).as("QoS 1 PUBLISH, no DUP").isEqualTo((byte) 0x32);
    byte[] packetId = {first[2 + 2 + "cmd/meter-9".length()], first[2 + 2 + "cmd/meter-9".length() + 1]};
    // The device never sends PUBACK for it.

    // A QoS 2 PUBLISH from the device: PUBREC comes back, the device never sends PUBREL.
    device.send(packet(0x34, str("up/meter-9"), u16(7), "42".getBytes(StandardCharsets.UTF_8))).expect("50 02 00 07");
    assertThat(upstream.receive(5, TimeUnit.SECONDS)).isPresent();

    await().atMost(Duration.ofSeconds(10)).until(() ->
        rows("SELECT count(*) FROM mqtt_session_message WHERE packet_id IS NOT NULL") == 1
            && rows("SELECT count(*) FROM mqtt_session_qos2_received WHERE packet_id = 7") == 1);
    device.close();
    device = null;
    watcher.disconnect();
    watcher = null;
    broker.close();

    broker = TestBroker.startWithStorage("--data-dir", dataDir.toString());
    watcher = watch("up/#");
    upstream = watcher.publishes(MqttGlobalPublishFilter.ALL);
    device = RawClient.open(broker);
    device.send(persistentConnect("meter-9")).expect("20 02 01 00"); // session present
    byte[] again = device.readPacket();
    assertThat(again[0]).as("the same QoS 1 PUBLISH, now with DUP").isEqualTo((byte) 0x3A);
    assertThat(toHex(java.util.Arrays.copyOfRange(again, 1, again.length)))
        .isEqualTo(toHex(java.util.Arrays.copyOfRange(first, 1, first.length)));
    device.send(hex("40 02 " + toHex(packetId))); // PUBACK at last

    // The device resends its QoS 2 PUBLISH with DUP: acknowledged again, delivered once only.
    device.send(packet(0x3C, str("up/meter-9"), u16(7), "42".getBytes(StandardCharsets.UTF_8))).expect("50 02 00 07");
    device.send(hex("62 02 00 07")).expect("70 02 00 07"); // PUBREL -> PUBCOMP
    assertThat(upstream.receive(1, TimeUnit.SECONDS)).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() ->
        rows("SELECT count(*) FROM mqtt_session_message") == 0 && rows("SELECT count(*) FROM mqtt_session_qos2_received") == 0);
  }
}
