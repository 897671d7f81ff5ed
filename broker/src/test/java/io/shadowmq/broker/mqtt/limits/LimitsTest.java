package io.shadowmq.broker.mqtt.limits;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.RawMqttClient;
import io.shadowmq.broker.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Per-client limits, each refused with its reason code: connect timeout, subscriptions per client, topic levels and length. */
@Timeout(30)
class LimitsTest {
  static TestBroker broker;
  final Clients clients = new Clients(broker);

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.start("--connect-timeout", "1", "--max-subscriptions-per-client", "2",
        "--max-topic-levels", "4", "--max-topic-length", "40");
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }

  Mqtt5BlockingClient hive(String id) {
    Mqtt5BlockingClient c = clients.hive5(id);
    c.connect();
    return c;
  }

  @Test
  void connectionThatSendsNoConnectIsClosedAfterTheConnectTimeout() throws Exception {
    RawMqttClient silent = clients.raw();
    long openedAt = System.nanoTime();

    assertThat(silent.awaitClosedByBroker(Duration.ofSeconds(5))).isTrue();

    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAt)).isBetween(900L, 3_000L);
    assertThat(broker.counter("shadowmq.connections.refused", "reason", "connect_timeout")).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void subscriptionsBeyondTheLimitAreRefusedWithQuotaExceededAndAReason() {
    Mqtt5BlockingClient c = hive("limit-subs");

    assertThatThrownBy(() -> c.subscribeWith().addSubscription().topicFilter("lim/a").applySubscription()
        .addSubscription().topicFilter("lim/b").applySubscription()
        .addSubscription().topicFilter("lim/c").applySubscription().send())
        .isInstanceOfSatisfying(Mqtt5SubAckException.class, e -> {
          assertThat(e.getMqttMessage().getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_2,
              Mqtt5SubAckReasonCode.GRANTED_QOS_2, Mqtt5SubAckReasonCode.QUOTA_EXCEEDED); // HiveMQ asks for QoS 2 by default
          assertThat(e.getMqttMessage().getReasonString()).isPresent();
        });
    // Replacing an existing subscription is not a new one.
    assertThat(c.subscribeWith().topicFilter("lim/a").qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes())
        .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
  }

  @Test
  void v311SubscriptionBeyondTheLimitGetsTheFailureReturnCode() throws Exception {
    var paho = clients.paho3("limit-subs-311");
    paho.connect(Clients.paho3Options(true));

    var token = paho.subscribeWithResponse(new String[] {"lim3/a", "lim3/b", "lim3/c"}, new int[] {1, 1, 1});

    assertThat(token.getGrantedQos()).containsExactly(1, 1, 0x80);
  }

  @Test
  void topicsWithTooManyLevelsOrTooLongAreRefusedInPublishAndSubscribe() {
    Mqtt5BlockingClient c = hive("limit-topics");

    assertThatThrownBy(() -> c.publishWith().topic("l/1/2/3/4").qos(MqttQos.AT_LEAST_ONCE).send())
        .isInstanceOfSatisfying(Mqtt5PubAckException.class,
            e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID));
    assertThatThrownBy(() -> c.publishWith().topic("l/" + "x".repeat(40)).qos(MqttQos.AT_LEAST_ONCE).send())
        .isInstanceOfSatisfying(Mqtt5PubAckException.class,
            e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID));
    assertThatThrownBy(() -> c.subscribeWith().topicFilter("l/+/+/+/#").send())
        .isInstanceOfSatisfying(Mqtt5SubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCodes())
            .containsExactly(Mqtt5SubAckReasonCode.TOPIC_FILTER_INVALID));
    assertThat(c.publishWith().topic("l/1/2/3").qos(MqttQos.AT_LEAST_ONCE).send().getError()).isEmpty();
    assertThat(c.getState().isConnected()).isTrue();
  }
}
