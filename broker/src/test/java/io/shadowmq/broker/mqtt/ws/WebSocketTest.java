package io.shadowmq.broker.mqtt.ws;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.PahoInbox;
import io.shadowmq.broker.TestBroker;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** MQTT over WebSocket (subprotocol mqtt) on the WebSocket port, with Paho and HiveMQ, talking to TCP clients. */
@Timeout(30)
class WebSocketTest {
  static TestBroker broker;
  final Clients clients = new Clients(broker);

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }

  Mqtt5BlockingClient hiveOverWebSocket(String id, String path) {
    return clients.track(MqttClient.builder().useMqttVersion5().identifier(id).serverHost(broker.host())
        .serverPort(broker.wsPort()).webSocketConfig().serverPath(path).applyWebSocketConfig().buildBlocking());
  }

  @Test
  void pahoV311OverWebSocketReachesATcpSubscriberAndBack() throws Exception {
    Mqtt5BlockingClient tcp = clients.hive5("ws-tcp-peer");
    tcp.connect();
    var tcpGot = tcp.publishes(MqttGlobalPublishFilter.ALL);
    tcp.subscribeWith().topicFilter("ws/paho3/up").qos(MqttQos.AT_LEAST_ONCE).send();
    var paho = clients.track(new org.eclipse.paho.client.mqttv3.MqttClient(broker.wsUri(), "ws-paho3", new MemoryPersistence()));
    var inbox = PahoInbox.V3.of(paho);
    paho.connect(Clients.paho3Options(true));
    paho.subscribe("ws/paho3/down", 2);

    MqttMessage up = new MqttMessage("up".getBytes(StandardCharsets.UTF_8));
    up.setQos(1);
    paho.publish("ws/paho3/up", up);
    tcp.publishWith().topic("ws/paho3/down").qos(MqttQos.EXACTLY_ONCE).payload("down".getBytes(StandardCharsets.UTF_8)).send();

    assertThat(tcpGot.receive(5, TimeUnit.SECONDS).map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))).contains("up");
    var down = inbox.next(Duration.ofSeconds(5));
    assertThat(down).isNotNull();
    assertThat(down.message().getQos()).isEqualTo(2);
    assertThat(down.message().getPayload()).asString(StandardCharsets.UTF_8).isEqualTo("down");
  }

  @Test
  void pahoV5OverWebSocketPublishesAndSubscribes() throws Exception {
    var paho = clients.track(new org.eclipse.paho.mqttv5.client.MqttClient(broker.wsUri(), "ws-paho5",
        new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence()));
    var inbox = PahoInbox.V5.of(paho);
    paho.connect(new MqttConnectionOptions());
    paho.subscribe("ws/paho5/echo", 1);

    org.eclipse.paho.mqttv5.common.MqttMessage m = new org.eclipse.paho.mqttv5.common.MqttMessage("echo".getBytes(StandardCharsets.UTF_8));
    m.setQos(1);
    paho.publish("ws/paho5/echo", m);

    var got = inbox.next(Duration.ofSeconds(5));
    assertThat(got).isNotNull();
    assertThat(got.message().getPayload()).asString(StandardCharsets.UTF_8).isEqualTo("echo");
  }

  @Test
  void hiveMqV5OverWebSocketWorksOnTheUsualPathAndOnAnyOther() throws Exception {
    Mqtt5BlockingClient onMqtt = hiveOverWebSocket("ws-hive-mqtt", "mqtt");
    onMqtt.connect();
    var got = onMqtt.publishes(MqttGlobalPublishFilter.ALL);
    onMqtt.subscribeWith().topicFilter("ws/hive/#").qos(MqttQos.EXACTLY_ONCE).send();
    Mqtt5BlockingClient onOther = hiveOverWebSocket("ws-hive-other", "devices/ws");
    onOther.connect();

    onOther.publishWith().topic("ws/hive/a").qos(MqttQos.EXACTLY_ONCE).payload(new byte[70_000]).send();

    Mqtt5Publish p = got.receive(5, TimeUnit.SECONDS).orElseThrow();
    assertThat(p.getPayloadAsBytes()).hasSize(70_000); // larger than the 64 KiB the HTTP upgrade is aggregated in
    assertThat(p.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
  }
}
