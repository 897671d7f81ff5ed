package io.shadowmq.broker.mqtt.v5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.RawMqttClient;
import io.shadowmq.broker.TestBroker;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 5 will messages: when they are published, when not, their delay and their properties. */
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

  Mqtt5BlockingClient.Mqtt5Publishes watch(String topic) {
    Mqtt5BlockingClient w = clients.hive5("watch-" + topic.replace('/', '-'));
    w.connect();
    var publishes = w.publishes(MqttGlobalPublishFilter.ALL); // before SUBSCRIBE: retained messages follow the SUBACK at once
    w.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    return publishes;
  }

  Mqtt5BlockingClient hiveWithWill(String id, String willTopic) {
    Mqtt5BlockingClient c = clients.hive5(id);
    c.connectWith().willPublish().topic(willTopic).qos(MqttQos.AT_LEAST_ONCE).payload("bye".getBytes(StandardCharsets.UTF_8))
        .applyWillPublish().send();
    return c;
  }

  /** A Paho client with a will, and a way to drop its socket without DISCONNECT. */
  org.eclipse.paho.mqttv5.client.MqttClient pahoWithWill(String id, String willTopic, long sessionExpiry,
                                                          MqttProperties willProperties) throws Exception {
    var paho = clients.paho5(id);
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(true);
    o.setSessionExpiryInterval(sessionExpiry);
    MqttMessage will = new MqttMessage("dropped".getBytes(StandardCharsets.UTF_8));
    will.setQos(1);
    o.setWill(willTopic, will);
    o.setWillMessageProperties(willProperties);
    paho.connect(o);
    return paho;
  }

  @Test
  void willIsPublishedWhenTheConnectionDropsWithoutDisconnectWithItsProperties() throws Exception {
    var wills = watch("will5/drop");
    MqttProperties props = new MqttProperties();
    props.setContentType("text/plain");
    props.setResponseTopic("will5/drop/ack");
    props.setCorrelationData(new byte[] {4, 2});
    props.setPayloadFormat(true);
    props.setUserProperties(List.of(new UserProperty("reason", "power")));
    var paho = pahoWithWill("will-drop", "will5/drop", 0, props);

    paho.disconnectForcibly(0, 100, false); // closes the socket, no DISCONNECT

    Mqtt5Publish will = wills.receive(5, TimeUnit.SECONDS).orElseThrow();
    assertThat(will.getPayloadAsBytes()).asString(StandardCharsets.UTF_8).isEqualTo("dropped");
    assertThat(will.getContentType().map(Object::toString)).contains("text/plain");
    assertThat(will.getResponseTopic().map(Object::toString)).contains("will5/drop/ack");
    assertThat(will.getCorrelationData()).isPresent();
    assertThat(will.getPayloadFormatIndicator()).isPresent();
    assertThat(will.getUserProperties().asList()).extracting(u -> u.getName() + "=" + u.getValue()).containsExactly("reason=power");
  }

  @Test
  void willIsNotPublishedAfterANormalDisconnect() throws Exception {
    var wills = watch("will5/normal");
    Mqtt5BlockingClient c = hiveWithWill("will-normal", "will5/normal");

    c.disconnect();

    assertThat(wills.receive(500, TimeUnit.MILLISECONDS)).isEmpty();
  }

  @Test
  void disconnectWithReasonDisconnectWithWillMessagePublishesTheWill() throws Exception {
    var wills = watch("will5/asked");
    Mqtt5BlockingClient c = hiveWithWill("will-asked", "will5/asked");

    c.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();

    assertThat(wills.receive(5, TimeUnit.SECONDS).map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
        .contains("bye");
  }

  @Test
  void willIsPublishedWhenTheClientCommitsAProtocolError() throws Exception {
    var wills = watch("will5/error");
    RawMqttClient raw = clients.raw();
    raw.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("will-error")
        .willFlag(true).willTopic("will5/error").willMessage("err".getBytes(StandardCharsets.UTF_8)).build());

    // A wildcard in a PUBLISH topic (MQTT-3.3.2-2).
    raw.send(new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_MOST_ONCE, false, 0),
        new MqttPublishVariableHeader("will5/+", -1), Unpooled.EMPTY_BUFFER));

    raw.expect(MqttMessageType.DISCONNECT, Duration.ofSeconds(5));
    assertThat(wills.receive(5, TimeUnit.SECONDS).map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
        .contains("err");
  }

  @Test
  void willOfAConnectionTakenOverIsPublished() throws Exception {
    var wills = watch("will5/takeover");
    hiveWithWill("will-takeover", "will5/takeover");

    clients.hive5("will-takeover").connect();

    assertThat(wills.receive(5, TimeUnit.SECONDS)).isPresent();
  }

  @Test
  void willDelayHoldsTheWillBackForItsInterval() throws Exception {
    var wills = watch("will5/delayed");
    MqttProperties props = new MqttProperties();
    props.setWillDelayInterval(1L);
    var paho = pahoWithWill("will-delayed", "will5/delayed", 30, props);

    paho.disconnectForcibly(0, 100, false);
    long droppedAt = System.nanoTime();

    Optional<Mqtt5Publish> will = wills.receive(5, TimeUnit.SECONDS);
    assertThat(will).isPresent();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - droppedAt)).isBetween(900L, 3_000L);
  }

  @Test
  void reconnectingWithinTheWillDelayCancelsTheWill() throws Exception {
    var wills = watch("will5/cancelled");
    MqttProperties props = new MqttProperties();
    props.setWillDelayInterval(1L);
    var paho = pahoWithWill("will-cancelled", "will5/cancelled", 30, props);
    paho.disconnectForcibly(0, 100, false);

    Mqtt5BlockingClient back = clients.hive5("will-cancelled");
    back.connectWith().cleanStart(false).sessionExpiryInterval(30).send();

    assertThat(wills.receive(2_000, TimeUnit.MILLISECONDS)).as("will after the delay had passed").isEmpty();
  }
}
