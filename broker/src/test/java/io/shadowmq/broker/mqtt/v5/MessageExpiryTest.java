package io.shadowmq.broker.mqtt.v5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Message Expiry Interval: expired messages are not delivered, the rest carry what is left of their interval. */
@Timeout(30)
class MessageExpiryTest {
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

  Mqtt5BlockingClient publisher(String id) {
    Mqtt5BlockingClient pub = clients.hive5(id);
    pub.connect();
    return pub;
  }

  @Test
  void liveSubscriberGetsTheExpiryIntervalAndMessagesWithoutOneHaveNone() throws Exception {
    Mqtt5BlockingClient sub = clients.hive5("exp-live");
    sub.connect();
    var got = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter("exp5/live").qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient pub = publisher("exp-live-pub");

    pub.publishWith().topic("exp5/live").qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(120).payload(new byte[] {1}).send();
    pub.publishWith().topic("exp5/live").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {2}).send();

    assertThat(got.receive(5, TimeUnit.SECONDS).orElseThrow().getMessageExpiryInterval().orElse(-1)).isBetween(119L, 120L);
    assertThat(got.receive(5, TimeUnit.SECONDS).orElseThrow().getMessageExpiryInterval()).isEmpty();
  }

  @Test
  void queuedMessagesThatExpiredAreDroppedAndTheOthersCarryTheirRemainingInterval() throws Exception {
    Mqtt5BlockingClient sub = clients.hive5("exp-queued");
    sub.connectWith().sessionExpiryInterval(30).send();
    sub.subscribeWith().topicFilter("exp5/queued").qos(MqttQos.AT_LEAST_ONCE).send();
    sub.disconnect();
    Mqtt5BlockingClient pub = publisher("exp-queued-pub");
    pub.publishWith().topic("exp5/queued").qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(1)
        .payload("short".getBytes(StandardCharsets.UTF_8)).send();
    pub.publishWith().topic("exp5/queued").qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(60)
        .payload("long".getBytes(StandardCharsets.UTF_8)).send();
    double expiredBefore = broker.counter("shadowmq.messages.dropped", "reason", "expired");

    // The passage of time is what is under test: let the first message's second run out.
    Thread.sleep(2_100);

    Mqtt5BlockingClient back = clients.hive5("exp-queued");
    var got = back.publishes(MqttGlobalPublishFilter.ALL);
    back.connectWith().cleanStart(false).sessionExpiryInterval(30).send();
    Mqtt5Publish first = got.receive(5, TimeUnit.SECONDS).orElseThrow();
    assertThat(first.getPayloadAsBytes()).asString(StandardCharsets.UTF_8).isEqualTo("long");
    assertThat(first.getMessageExpiryInterval().orElse(-1)).isBetween(55L, 58L);
    assertThat(got.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
    assertThat(broker.counter("shadowmq.messages.dropped", "reason", "expired")).isEqualTo(expiredBefore + 1);
  }

  @Test
  void expiredRetainedMessageIsNotDeliveredToNewSubscribers() throws Exception {
    Mqtt5BlockingClient pub = publisher("exp-retained-pub");
    pub.publishWith().topic("exp5/retained/short").retain(true).qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(1)
        .payload("short".getBytes(StandardCharsets.UTF_8)).send();
    pub.publishWith().topic("exp5/retained/long").retain(true).qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(60)
        .payload("long".getBytes(StandardCharsets.UTF_8)).send();

    // As above: the interval has to run out.
    Thread.sleep(2_100);

    Mqtt5BlockingClient sub = clients.hive5("exp-retained-sub");
    sub.connect();
    var got = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter("exp5/retained/+").send();
    Mqtt5Publish only = got.receive(5, TimeUnit.SECONDS).orElseThrow();
    assertThat(only.getTopic().toString()).isEqualTo("exp5/retained/long");
    assertThat(only.getMessageExpiryInterval().orElse(-1)).isBetween(55L, 58L);
    assertThat(got.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
  }
}
