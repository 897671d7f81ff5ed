package io.shadowmq.broker.security;

import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.TestBroker;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Devices log in with their registry password (user name = client id), over MQTT 5 and 3.1.1. */
@Timeout(60)
class PasswordAuthenticationTest {
  static TestBroker broker;
  Clients clients;

  @BeforeAll
  static void start() throws Exception {
    Path data = TestBroker.tempDir();
    new Provision()
        .device("pump-1", "pump-1-secret", Map.of())
        .add("pump-2", "pump-2-secret", Map.of(), false, List.of())
        .into(data);
    broker = TestBroker.startWithStorage("--data-dir", data.toString());
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @BeforeEach
  void openClients() {
    clients = new Clients(broker);
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }

  private Mqtt5ConnAckReasonCode connect5(String clientId, String user, String password) {
    try {
      var c = clients.hive5(clientId);
      var connect = c.connectWith();
      if (user != null) {
        connect.simpleAuth().username(user).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
      }
      return connect.send().getReasonCode();
    } catch (Mqtt5ConnAckException e) {
      return e.getMqttMessage().getReasonCode();
    }
  }

  private Mqtt3ConnAckReturnCode connect3(String clientId, String user, String password) {
    try {
      var connect = clients.hive3(clientId).connectWith();
      if (user != null) {
        connect.simpleAuth().username(user).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
      }
      return connect.send().getReturnCode();
    } catch (Mqtt3ConnAckException e) {
      return e.getMqttMessage().getReturnCode();
    }
  }

  @Test
  void theRightPasswordLogsTheDeviceIn() {
    assertThat(connect5("pump-1", "pump-1", "pump-1-secret")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    assertThat(connect3("pump-1", "pump-1", "pump-1-secret")).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
  }

  @Test
  void aPahoClientLogsInWithItsPasswordToo() throws Exception {
    var paho = clients.paho3("pump-1");
    MqttConnectOptions o = Clients.paho3Options(true);
    o.setUserName("pump-1");
    o.setPassword("pump-1-secret".toCharArray());
    paho.connect(o);
    assertThat(paho.isConnected()).isTrue();
  }

  @Test
  void aWrongPasswordIsRefusedAsBadUserNameOrPasswordAndCounted() {
    double before = broker.counter("shadowmq.connections.refused", "reason", "bad_credentials");

    assertThat(connect5("pump-1", "pump-1", "guess")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    assertThat(connect3("pump-1", "pump-1", "guess")).isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD);
    assertThat(connect5("nobody", "nobody", "pump-1-secret")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);

    assertThat(broker.counter("shadowmq.connections.refused", "reason", "bad_credentials")).isEqualTo(before + 3);
  }

  @Test
  void aUserNameOtherThanTheClientIdIsRefused() {
    assertThat(connect5("someone-else", "pump-1", "pump-1-secret"))
        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
  }

  @Test
  void aDisabledDeviceIsNotAuthorizedEvenWithItsPassword() {
    assertThat(connect5("pump-2", "pump-2", "pump-2-secret")).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    assertThat(connect3("pump-2", "pump-2", "pump-2-secret")).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
  }

  @Test
  void onceDevicesAreRegisteredAnonymousClientsAreRefused() throws Exception {
    assertThat(connect5("visitor", null, null)).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    var paho = clients.paho3("visitor");
    assertThatThrownBy(() -> paho.connect(Clients.paho3Options(true)))
        .isInstanceOfSatisfying(MqttException.class,
            e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
  }

  @Test
  void aClientWithoutIdIsTheDeviceItLogsInAs() {
    var c = clients.hive5("");
    var ack = c.connectWith().simpleAuth().username("pump-1").password("pump-1-secret".getBytes(StandardCharsets.UTF_8))
        .applySimpleAuth().send();
    assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    assertThat(ack.getAssignedClientIdentifier()).hasValueSatisfying(id -> assertThat(id.toString()).isEqualTo("pump-1"));
  }
}
