package io.shadowmq.broker.mqtt.limits;

import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.TestBroker;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** --max-connect-rate: CONNECTs past the rate are refused (MQTT 5: 0x9F), and accepted again later. */
@Timeout(30)
class ConnectRateLimitTest {
  TestBroker broker;
  Clients clients;

  @BeforeEach
  void start() throws Exception {
    broker = TestBroker.start("--max-connect-rate", "1");
    clients = new Clients(broker);
  }

  @AfterEach
  void stop() {
    clients.close();
    broker.close();
  }

  @Test
  void connectsAboveTheRateAreRefusedWithConnectionRateExceededThenAcceptedAgain() throws Exception {
    clients.hive5("rate-1").connect();

    assertThatThrownBy(() -> clients.hive5("rate-2").connect())
        .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
            .isEqualTo(Mqtt5ConnAckReasonCode.CONNECTION_RATE_EXCEEDED));
    var paho = clients.paho3("rate-3");
    assertThatThrownBy(() -> paho.connect(Clients.paho3Options(true)))
        .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode())
            .isEqualTo(MqttException.REASON_CODE_BROKER_UNAVAILABLE));
    assertThat(broker.counter("shadowmq.connections.refused", "reason", "connect_rate")).isEqualTo(2.0);

    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
        .until(() -> clients.hive5("rate-4").connect().getReasonCode() == Mqtt5ConnAckReasonCode.SUCCESS);
  }
}
