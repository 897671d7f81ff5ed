package io.shadowmq.broker.mqtt.limits;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.RawMqttClient;
import io.shadowmq.broker.TestBroker;
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

/**
 * --max-keepalive: MQTT 5 clients asking for more (or for none) are told the cap as Server Keep
 * Alive and held to it; MQTT 3.1.1 clients asking for more are refused.
 */
@Timeout(30)
class KeepAliveCapTest {
  static TestBroker broker;
  Clients clients = new Clients(broker);

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.start("--max-keepalive", "2");
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
  void v5ClientAskingForALongerKeepAliveIsToldTheServerKeepAlive() {
    Mqtt5ConnAck longOne = clients.hive5("cap-long").connectWith().keepAlive(60).send();
    Mqtt5ConnAck none = clients.hive5("cap-none").connectWith().keepAlive(0).send();
    Mqtt5ConnAck shorter = clients.hive5("cap-short").connectWith().keepAlive(1).send();

    assertThat(longOne.getServerKeepAlive()).hasValue(2);
    assertThat(none.getServerKeepAlive()).hasValue(2);
    assertThat(shorter.getServerKeepAlive()).isEmpty();
  }

  @Test
  void v5ClientIsHeldToTheServerKeepAlive() throws Exception {
    RawMqttClient raw = clients.raw();
    MqttConnAckMessage ack = raw.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5)
        .clientId("cap-silent").keepAlive(60).build());
    long connectedAt = System.nanoTime();
    assertThat(ack.variableHeader().properties().getProperty(MqttProperties.MqttPropertyType.SERVER_KEEP_ALIVE.value())
        .value()).isEqualTo(2);

    MqttMessage disconnect = raw.expect(MqttMessageType.DISCONNECT, Duration.ofSeconds(6));

    assertThat(((MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader()).reasonCode()).isEqualTo((byte) 0x8D);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectedAt)).isBetween(2_900L, 4_500L);
  }

  @Test
  void v311ClientAskingForALongerKeepAliveIsRefused() throws Exception {
    var tooLong = clients.paho3("cap-v3-long");
    var options = Clients.paho3Options(true);
    options.setKeepAliveInterval(60);

    assertThatThrownBy(() -> tooLong.connect(options)).isInstanceOfSatisfying(MqttException.class,
        e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_INVALID_CLIENT_ID));

    var withinCap = clients.paho3("cap-v3-ok");
    var ok = Clients.paho3Options(true);
    ok.setKeepAliveInterval(2);
    withinCap.connect(ok);
    assertThat(withinCap.isConnected()).isTrue();
  }
}
