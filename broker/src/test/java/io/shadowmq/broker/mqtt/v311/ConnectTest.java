package io.shadowmq.broker.mqtt.v311;

import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.PahoInbox;
import io.shadowmq.broker.RawMqttClient;
import io.shadowmq.broker.TestBroker;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MQTT 3.1.1 (and 3.1) CONNECT: versions, client identifiers, keep-alive, takeover, a second CONNECT. */
@Timeout(30)
class ConnectTest {
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

  @Test
  void pahoConnectsWithMqtt311AndWithMqtt31() throws Exception {
    var v311 = clients.paho3("paho-311");
    v311.connect(Clients.paho3Options(true));
    var v31 = clients.paho3("paho-31");
    MqttConnectOptions o = Clients.paho3Options(true);
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1);
    v31.connect(o);

    assertThat(v311.isConnected()).isTrue();
    assertThat(v31.isConnected()).isTrue();
  }

  @Test
  void unknownProtocolLevelIsRefusedWithUnacceptableProtocolVersion() throws Exception {
    RawMqttClient raw = clients.raw();

    // CONNECT "MQTT" level 6, clean session, keep-alive 60, client id "x"
    raw.sendBytes(new byte[] {0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x06, 0x02, 0x00, 0x3C, 0x00, 0x01, 'x'});

    MqttConnAckMessage ack = (MqttConnAckMessage) raw.expect(MqttMessageType.CONNACK, Duration.ofSeconds(5));
    assertThat(ack.variableHeader().connectReturnCode())
        .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
    assertThat(raw.awaitClosedByBroker(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void clientIdsOf200CharactersAreAccepted() throws Exception {
    String id = "p".repeat(200);
    var paho = clients.paho3(id);
    paho.connect(Clients.paho3Options(true));
    Mqtt3ConnAck ack = clients.hive3("h".repeat(200)).connect();

    assertThat(paho.isConnected()).isTrue();
    assertThat(ack.getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
  }

  @Test
  void clientIdLongerThanTheMaximumIsRefusedWithIdentifierRejected() throws Exception {
    var paho = clients.paho3("z".repeat(257));

    assertThatThrownBy(() -> paho.connect(Clients.paho3Options(true))).isInstanceOfSatisfying(MqttException.class,
        e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_INVALID_CLIENT_ID));
  }

  @Test
  void emptyClientIdIsAcceptedWithCleanSessionAndRefusedWithout() throws Exception {
    RawMqttClient clean = clients.raw();
    MqttConnAckMessage ok = clean.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1)
        .clientId("").cleanSession(true).build());
    RawMqttClient persistent = clients.raw();
    MqttConnAckMessage refused = persistent.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1)
        .clientId("").cleanSession(false).build());

    assertThat(ok.variableHeader().connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
    assertThat(refused.variableHeader().connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
    assertThat(persistent.awaitClosedByBroker(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void silentClientIsClosedAfterOneAndAHalfKeepAlives() throws Exception {
    RawMqttClient silent = clients.raw();
    silent.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("ka311-silent")
        .keepAlive(1).build());
    long connectedAt = System.nanoTime();
    Mqtt3BlockingClient pinging = clients.track(clients.hive3Builder("ka311-pinging").buildBlocking());
    pinging.connectWith().keepAlive(1).send();

    assertThat(silent.awaitClosedByBroker(Duration.ofSeconds(5))).isTrue();

    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectedAt)).isBetween(1_400L, 3_500L);
    assertThat(pinging.getState().isConnected()).isTrue();
  }

  @Test
  void newConnectionWithTheSameClientIdClosesTheOldOne() throws Exception {
    var old = clients.paho3("takeover-311");
    var oldInbox = PahoInbox.V3.of(old);
    old.connect(Clients.paho3Options(true));
    Mqtt3BlockingClient fresh = clients.hive3("takeover-311");

    fresh.connect();

    assertThat(oldInbox.connectionLost.get(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(fresh.getState().isConnected()).isTrue();
  }

  @Test
  void secondConnectOnOneConnectionClosesIt() throws Exception {
    RawMqttClient raw = clients.raw();
    raw.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("twice-311").build());

    raw.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("twice-311").build());

    assertThat(raw.awaitClosedByBroker(Duration.ofSeconds(5))).isTrue();
    assertThat(raw.receive(Duration.ZERO)).as("3.1.1 has no DISCONNECT from the server").isNull();
  }
}
