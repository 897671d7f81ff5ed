package io.shadowmq.broker.storage;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.shadowmq.broker.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What a clean stop keeps: retained messages and persistent sessions with their queued messages. */
@Timeout(120)
class RestartTest {
  @TempDir
  Path dataDir;
  TestBroker broker;
  final List<Mqtt5BlockingClient> clients = new ArrayList<>();

  @AfterEach
  void tearDown() {
    for (Mqtt5BlockingClient c : clients) {
      try {
        c.disconnect();
      } catch (RuntimeException ignored) {
        // already disconnected by the test
      }
    }
    if (broker != null) {
      broker.close();
    }
  }

  Mqtt5BlockingClient client(String id) {
    Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
        .serverPort(broker.port()).buildBlocking();
    clients.add(c);
    return c;
  }

  @Test
  void retainedMessagesAndQueuedMessagesOfOfflineSessionsSurviveACleanRestart() throws Exception {
    broker = TestBroker.startWithStorage("--data-dir", dataDir.toString());
    Mqtt5BlockingClient device = client("device-7");
    device.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
    device.subscribeWith().topicFilter("cmd/device-7/#").qos(MqttQos.AT_LEAST_ONCE).send();
    device.disconnect();

    Mqtt5BlockingClient app = client("app");
    app.connect();
    app.publishWith().topic("cmd/device-7/reboot").payload("now".getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE).send();
    app.publishWith().topic("status/fleet").payload("green".getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE).retain(true).send();
    app.disconnect();
    broker.close();
    clients.clear();

    broker = TestBroker.startWithStorage("--data-dir", dataDir.toString());
    Mqtt5BlockingClient back = client("device-7");
    var publishes = back.publishes(MqttGlobalPublishFilter.ALL);
    Mqtt5ConnAck ack = back.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
    assertThat(ack.isSessionPresent()).isTrue();
    Optional<Mqtt5Publish> queued = publishes.receive(10, TimeUnit.SECONDS);
    assertThat(queued).isPresent();
    assertThat(queued.get().getTopic().toString()).isEqualTo("cmd/device-7/reboot");
    assertThat(new String(queued.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("now");

    // The subscription came back too: a new message reaches the device without a new SUBSCRIBE.
    Mqtt5BlockingClient app2 = client("app-2");
    app2.connect();
    app2.publishWith().topic("cmd/device-7/update").payload("v2".getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE).send();
    assertThat(publishes.receive(10, TimeUnit.SECONDS).map(p -> p.getTopic().toString())).contains("cmd/device-7/update");

    Mqtt5BlockingClient reader = client("reader");
    reader.connect();
    var retained = reader.publishes(MqttGlobalPublishFilter.ALL);
    reader.subscribeWith().topicFilter("status/#").send();
    Optional<Mqtt5Publish> r = retained.receive(10, TimeUnit.SECONDS);
    assertThat(r).isPresent();
    assertThat(r.get().isRetain()).isTrue();
    assertThat(new String(r.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("green");
  }
}
