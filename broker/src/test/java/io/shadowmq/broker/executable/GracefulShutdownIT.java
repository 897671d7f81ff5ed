package io.shadowmq.broker.executable;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.shadowmq.broker.PahoInbox;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM to the packaged broker: clients are told (MQTT 5: DISCONNECT 0x8B), no wills go out, the process exits 0 in time. */
@Timeout(60)
class GracefulShutdownIT {
  BrokerProcess broker;
  org.eclipse.paho.client.mqttv3.MqttClient paho;

  @AfterEach
  void stop() throws Exception {
    if (paho != null) {
      paho.close(true);
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void sigtermDisconnectsClientsWithServerShuttingDownAndExitsZero() throws Exception {
    broker = BrokerProcess.start("--shutdown-timeout", "5");

    CompletableFuture<MqttClientDisconnectedContext> v5Gone = new CompletableFuture<>();
    Mqtt5BlockingClient v5 = MqttClient.builder().useMqttVersion5().identifier("it-v5").serverHost("127.0.0.1")
        .serverPort(broker.mqttPort()).addDisconnectedListener(v5Gone::complete).buildBlocking();
    v5.connectWith().willPublish().topic("it/wills").payload("v5 died".getBytes(StandardCharsets.UTF_8)).applyWillPublish().send();
    List<String> wills = Collections.synchronizedList(new ArrayList<>());
    v5.toAsync().subscribeWith().topicFilter("it/wills").qos(MqttQos.AT_LEAST_ONCE)
        .callback(p -> wills.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))).send().get(5, TimeUnit.SECONDS);

    paho = new org.eclipse.paho.client.mqttv3.MqttClient(broker.tcpUri(), "it-v311", new MemoryPersistence());
    var pahoInbox = PahoInbox.V3.of(paho);
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setAutomaticReconnect(false);
    o.setWill("it/wills", "v311 died".getBytes(StandardCharsets.UTF_8), 1, false);
    paho.connect(o);

    broker.terminate();

    MqttClientDisconnectedContext ctx = v5Gone.get(15, TimeUnit.SECONDS);
    assertThat(ctx.getCause()).isInstanceOfSatisfying(Mqtt5DisconnectException.class,
        e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.SERVER_SHUTTING_DOWN));
    assertThat(pahoInbox.connectionLost.get(15, TimeUnit.SECONDS)).isNotNull();
    assertThat(wills).as("no will is published at shutdown").isEmpty();
    Integer exit = broker.awaitExit(Duration.ofSeconds(15));
    assertThat(exit).as("exit code; broker log:%n%s", broker.logText()).isEqualTo(0);
    assertThat(broker.logText()).contains("ShadowMQ stopped");
  }
}
