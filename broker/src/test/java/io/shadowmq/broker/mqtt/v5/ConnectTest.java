package io.shadowmq.broker.mqtt.v5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.RawMqttClient;
import io.shadowmq.broker.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MQTT 5 CONNECT: client identifiers, keep-alive, session takeover, a second CONNECT. */
@Timeout(30)
class ConnectTest {
  static TestBroker broker;
  Clients clients;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @AfterEach
  void closeClients() {
    if (clients != null) {
      clients.close();
    }
  }

  Clients clients() {
    if (clients == null) {
      clients = new Clients(broker);
    }
    return clients;
  }

  @Test
  void emptyClientIdIsAssignedByTheBrokerAndReturnedInConnAck() {
    Mqtt5BlockingClient first = clients().track(clients().hive5Builder("").buildBlocking());
    Mqtt5BlockingClient second = clients().track(clients().hive5Builder("").buildBlocking());

    Mqtt5ConnAck ack1 = first.connect();
    Mqtt5ConnAck ack2 = second.connect();

    assertThat(ack1.getAssignedClientIdentifier()).isPresent();
    assertThat(ack2.getAssignedClientIdentifier()).isPresent();
    String id1 = ack1.getAssignedClientIdentifier().get().toString();
    String id2 = ack2.getAssignedClientIdentifier().get().toString();
    assertThat(id1).isNotEmpty().isNotEqualTo(id2);
    assertThat(first.getConfig().getClientIdentifier().map(Object::toString)).contains(id1);
  }

  @Test
  void clientIdOf200CharactersIsAccepted() {
    String id = "d".repeat(200);
    Mqtt5BlockingClient client = clients().hive5(id);

    Mqtt5ConnAck ack = client.connect();

    assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    assertThat(ack.getAssignedClientIdentifier()).isEmpty();
  }

  @Test
  void clientIdLongerThanTheMaximumIsRefusedWithClientIdentifierNotValid() {
    Mqtt5BlockingClient client = clients().hive5("x".repeat(257));

    assertThatThrownBy(client::connect)
        .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> {
          assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
          assertThat(e.getMqttMessage().getReasonString()).isPresent();
        });
  }

  @Test
  void silentClientIsDisconnectedAfterOneAndAHalfKeepAlivesAndItsWillIsPublished() throws Exception {
    Mqtt5BlockingClient watcher = clients().hive5("ka-watcher");
    watcher.connect();
    var wills = watcher.publishes(MqttGlobalPublishFilter.ALL);
    watcher.subscribeWith().topicFilter("ka5/will").qos(MqttQos.AT_LEAST_ONCE).send();
    // A client that pings on time is kept: HiveMQ pings every keep-alive.
    Mqtt5BlockingClient pinging = clients().track(clients().hive5Builder("ka-pinging").buildBlocking());
    pinging.connectWith().keepAlive(1).send();

    RawMqttClient silent = clients().raw();
    MqttConnAckMessage ack = silent.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5)
        .clientId("ka-silent").cleanSession(true).keepAlive(1)
        .willFlag(true).willTopic("ka5/will").willMessage("gone".getBytes(StandardCharsets.UTF_8))
        .willQoS(MqttQoS.AT_LEAST_ONCE).build());
    assertThat(ack.variableHeader().connectReturnCode().byteValue()).isEqualTo((byte) 0);
    long connectedAt = System.nanoTime();

    MqttMessage disconnect = silent.expect(MqttMessageType.DISCONNECT, Duration.ofSeconds(5));
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectedAt);
    assertThat(((MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader()).reasonCode())
        .isEqualTo((byte) 0x8D);
    assertThat(elapsedMillis).isBetween(1_400L, 3_500L);
    assertThat(silent.awaitClosedByBroker(Duration.ofSeconds(2))).isTrue();

    Optional<Mqtt5Publish> will = wills.receive(5, TimeUnit.SECONDS);
    assertThat(will).isPresent();
    assertThat(will.get().getPayloadAsBytes()).asString(StandardCharsets.UTF_8).isEqualTo("gone");
    assertThat(pinging.getState().isConnected()).isTrue();
  }

  @Test
  void newConnectionWithTheSameClientIdTakesOverAndTheOldOneGetsSessionTakenOver() throws Exception {
    CompletableFuture<MqttClientDisconnectedContext> oldGone = new CompletableFuture<>();
    Mqtt5BlockingClient old = clients().track(clients().hive5Builder("takeover-5")
        .addDisconnectedListener(oldGone::complete).buildBlocking());
    old.connect();
    Mqtt5BlockingClient fresh = clients().hive5("takeover-5");

    fresh.connect();

    MqttClientDisconnectedContext ctx = oldGone.get(5, TimeUnit.SECONDS);
    assertThat(ctx.getCause()).isInstanceOfSatisfying(Mqtt5DisconnectException.class, e ->
        assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER));
    assertThat(fresh.getState().isConnected()).isTrue();
    // the new connection works
    var got = fresh.publishes(MqttGlobalPublishFilter.ALL);
    fresh.subscribeWith().topicFilter("takeover5/t").send();
    fresh.publishWith().topic("takeover5/t").payload(new byte[] {1}).send();
    assertThat(got.receive(5, TimeUnit.SECONDS)).isPresent();
  }

  @Test
  void secondConnectOnOneConnectionIsAProtocolErrorThatClosesIt() throws Exception {
    RawMqttClient raw = clients().raw();
    raw.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("twice-5").keepAlive(30).build());

    raw.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("twice-5").keepAlive(30).build());

    MqttMessage disconnect = raw.expect(MqttMessageType.DISCONNECT, Duration.ofSeconds(5));
    assertThat(((MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader()).reasonCode()).isEqualTo((byte) 0x82);
    assertThat(raw.awaitClosedByBroker(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void connAckTellsTheBrokersLimits() {
    Mqtt5BlockingClient client = clients().hive5("limits-5");

    Mqtt5ConnAck ack = client.connect();

    assertThat(ack.getRestrictions().getReceiveMaximum()).isEqualTo(1024);
    assertThat(ack.getRestrictions().getMaximumPacketSize()).isEqualTo(1024 * 1024);
    assertThat(ack.getRestrictions().getTopicAliasMaximum()).isEqualTo(32);
    assertThat(ack.getServerKeepAlive()).isEmpty(); // no cap by default: devices on cellular links keep long ones
  }

  @Test
  void willTopicWithAWildcardIsRefusedWithTopicNameInvalid() throws Exception {
    // HiveMQ validates will topics itself, so a raw client sends the bad one.
    RawMqttClient raw = clients().raw();

    MqttConnAckMessage ack = raw.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5)
        .clientId("badwill-5").willFlag(true).willTopic("wills/+").willMessage(new byte[] {1}).build());

    assertThat(ack.variableHeader().connectReturnCode().byteValue()).isEqualTo((byte) 0x90);
    assertThat(raw.awaitClosedByBroker(Duration.ofSeconds(5))).isTrue();
  }
}
