package io.shadowmq.broker.mqtt.v311;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.RawMqttClient;
import io.shadowmq.broker.TestBroker;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 3.1.1 will messages: published when a client goes away without DISCONNECT, not after one. */
@Timeout(30)
class WillTest {
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

  Mqtt3BlockingClient.Mqtt3Publishes watch(String filter) {
    Mqtt3BlockingClient w = clients.hive3("watch-" + filter.replace("/", "-").replace("#", "all").replace("+", "one"));
    w.connect();
    var publishes = w.publishes(MqttGlobalPublishFilter.ALL); // before SUBSCRIBE: retained messages follow the SUBACK at once
    w.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
    return publishes;
  }

  org.eclipse.paho.client.mqttv3.MqttClient pahoWithWill(String id, String topic, boolean retained) throws Exception {
    var paho = clients.paho3(id);
    MqttConnectOptions o = Clients.paho3Options(true);
    o.setWill(topic, ("will of " + id).getBytes(StandardCharsets.UTF_8), 1, retained);
    paho.connect(o);
    return paho;
  }

  static String text(Optional<Mqtt3Publish> p) {
    return p.map(x -> new String(x.getPayloadAsBytes(), StandardCharsets.UTF_8)).orElse(null);
  }

  @Test
  void willIsPublishedWhenTheConnectionDropsWithoutDisconnect() throws Exception {
    var wills = watch("w311/drop");
    var paho = pahoWithWill("will311-drop", "w311/drop", false);

    paho.disconnectForcibly(0, 100, false); // socket closed, no DISCONNECT

    assertThat(text(wills.receive(5, TimeUnit.SECONDS))).isEqualTo("will of will311-drop");
  }

  @Test
  void willIsNotPublishedAfterDisconnect() throws Exception {
    var wills = watch("w311/normal");
    var paho = pahoWithWill("will311-normal", "w311/normal", false);

    paho.disconnect();

    assertThat(wills.receive(500, TimeUnit.MILLISECONDS)).isEmpty();
  }

  @Test
  void willIsPublishedWhenTheKeepAliveRunsOut() throws Exception {
    var wills = watch("w311/keepalive");
    RawMqttClient silent = clients.raw();
    silent.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("will311-ka").keepAlive(1)
        .willFlag(true).willTopic("w311/keepalive").willQoS(MqttQoS.AT_LEAST_ONCE)
        .willMessage("timeout".getBytes(StandardCharsets.UTF_8)).build());

    assertThat(text(wills.receive(5, TimeUnit.SECONDS))).isEqualTo("timeout");
    assertThat(silent.awaitClosedByBroker(Duration.ofSeconds(1))).isTrue();
  }

  @Test
  void willIsPublishedWhenTheClientCommitsAProtocolError() throws Exception {
    var wills = watch("w311/error");
    RawMqttClient raw = clients.raw();
    raw.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("will311-error")
        .willFlag(true).willTopic("w311/error").willMessage("error".getBytes(StandardCharsets.UTF_8)).build());

    // PUBREL with reserved flags 0000 instead of 0010 (MQTT-3.6.1-1).
    raw.sendBytes(new byte[] {0x60, 0x02, 0x00, 0x01});

    assertThat(text(wills.receive(5, TimeUnit.SECONDS))).isEqualTo("error");
    assertThat(raw.awaitClosedByBroker(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void retainedWillIsKeptForLaterSubscribers() throws Exception {
    var paho = pahoWithWill("will311-retained", "w311/retained/status", true);
    var live = watch("w311/retained/+");
    paho.disconnectForcibly(0, 100, false);
    Optional<Mqtt3Publish> liveWill = live.receive(5, TimeUnit.SECONDS);
    assertThat(liveWill).isPresent();

    var later = watch("w311/retained/#");

    Optional<Mqtt3Publish> kept = later.receive(5, TimeUnit.SECONDS);
    assertThat(text(kept)).isEqualTo("will of will311-retained");
    assertThat(kept.get().isRetain()).isTrue();
  }
}
