package io.shadowmq.broker.mqtt.v5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.unsuback.Mqtt5UnsubAck;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.unsuback.Mqtt5UnsubAckReasonCode;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.PahoInbox;
import io.shadowmq.broker.TestBroker;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
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

/** MQTT 5 subscriptions: overlaps, subscription identifiers, no-local, retain-as-published, retain handling, unsubscribe. */
@Timeout(30)
class SubscriptionTest {
  static final long WAIT = 5;
  static final long QUIET_MILLIS = 400;
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

  Mqtt5BlockingClient hive(String id) {
    Mqtt5BlockingClient c = clients.hive5(id);
    c.connect();
    return c;
  }

  static String text(Mqtt5Publish p) {
    return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void overlappingSubscriptionsDeliverOneCopyAtTheHighestQosWithEveryMatchingIdentifier() throws Exception {
    var paho = clients.paho5Async("overlap-sub");
    var inbox = PahoInbox.V5.of(paho);
    paho.connect(new MqttConnectionOptions()).waitForCompletion(5_000);
    MqttProperties id7 = new MqttProperties();
    id7.setSubscriptionIdentifier(7);
    paho.subscribe(new MqttSubscription[] {new MqttSubscription("sub5/ov/+/temp", 0)}, null, null, id7).waitForCompletion(5_000);
    MqttProperties id9 = new MqttProperties();
    id9.setSubscriptionIdentifier(9);
    paho.subscribe(new MqttSubscription[] {new MqttSubscription("sub5/ov/#", 2)}, null, null, id9).waitForCompletion(5_000);
    paho.subscribe(new MqttSubscription[] {new MqttSubscription("sub5/ov/pump/+", 1)}, null, null, new MqttProperties())
        .waitForCompletion(5_000);

    hive("overlap-pub").publishWith().topic("sub5/ov/pump/temp").qos(MqttQos.EXACTLY_ONCE).payload(new byte[] {1}).send();

    var got = inbox.next(Duration.ofSeconds(WAIT));
    assertThat(got).isNotNull();
    assertThat(got.message().getQos()).isEqualTo(2);
    assertThat(got.message().getProperties().getSubscriptionIdentifiers()).containsExactlyInAnyOrder(7, 9);
    assertThat(inbox.next(Duration.ofMillis(QUIET_MILLIS))).as("a second copy").isNull();
  }

  @Test
  void leadingWildcardsDoNotMatchDollarTopicsButAnExplicitDollarFilterDoes() throws Exception {
    Mqtt5BlockingClient wild = hive("dollar-wild");
    wild.subscribeWith().topicFilter("#").send();
    var wildGot = wild.publishes(MqttGlobalPublishFilter.ALL);
    wild.subscribeWith().topicFilter("+/sub5dollar").send();
    Mqtt5BlockingClient explicit = hive("dollar-explicit");
    var explicitGot = explicit.publishes(MqttGlobalPublishFilter.ALL);
    explicit.subscribeWith().topicFilter("$app/+").send();

    hive("dollar-pub").publishWith().topic("$app/sub5dollar").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {1}).send();

    assertThat(explicitGot.receive(WAIT, TimeUnit.SECONDS).map(p -> p.getTopic().toString())).contains("$app/sub5dollar");
    assertThat(wildGot.receive(QUIET_MILLIS, TimeUnit.MILLISECONDS)).isEmpty();
  }

  @Test
  void noLocalSubscriptionDoesNotGetTheClientsOwnMessages() throws Exception {
    Mqtt5BlockingClient self = hive("nolocal-self");
    var got = self.publishes(MqttGlobalPublishFilter.ALL);
    self.subscribeWith().topicFilter("sub5/nolocal").noLocal(true).qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient other = hive("nolocal-other");

    self.publishWith().topic("sub5/nolocal").qos(MqttQos.AT_LEAST_ONCE).payload("mine".getBytes(StandardCharsets.UTF_8)).send();
    other.publishWith().topic("sub5/nolocal").qos(MqttQos.AT_LEAST_ONCE).payload("theirs".getBytes(StandardCharsets.UTF_8)).send();

    assertThat(got.receive(WAIT, TimeUnit.SECONDS).map(SubscriptionTest::text)).contains("theirs");
    assertThat(got.receive(QUIET_MILLIS, TimeUnit.MILLISECONDS)).isEmpty();
  }

  @Test
  void retainAsPublishedKeepsTheRetainFlagOnLiveMessagesOtherwiseItIsCleared() throws Exception {
    Mqtt5BlockingClient asPublished = hive("rap-yes");
    var rapGot = asPublished.publishes(MqttGlobalPublishFilter.ALL);
    asPublished.subscribeWith().topicFilter("sub5/rap").retainAsPublished(true).qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient plain = hive("rap-no");
    var plainGot = plain.publishes(MqttGlobalPublishFilter.ALL);
    plain.subscribeWith().topicFilter("sub5/rap").qos(MqttQos.AT_LEAST_ONCE).send();

    hive("rap-pub").publishWith().topic("sub5/rap").retain(true).qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {1}).send();

    assertThat(rapGot.receive(WAIT, TimeUnit.SECONDS).map(Mqtt5Publish::isRetain)).contains(true);
    assertThat(plainGot.receive(WAIT, TimeUnit.SECONDS).map(Mqtt5Publish::isRetain)).contains(false);
  }

  @Test
  void retainHandlingSendsRetainedMessagesAlwaysOnlyForNewSubscriptionsOrNever() throws Exception {
    hive("rh-pub").publishWith().topic("sub5/rh/state").retain(true).qos(MqttQos.AT_LEAST_ONCE)
        .payload("on".getBytes(StandardCharsets.UTF_8)).send();

    Mqtt5BlockingClient always = hive("rh-0");
    var alwaysGot = always.publishes(MqttGlobalPublishFilter.ALL);
    always.subscribeWith().topicFilter("sub5/rh/+").retainHandling(Mqtt5RetainHandling.SEND).send();
    Optional<Mqtt5Publish> first = alwaysGot.receive(WAIT, TimeUnit.SECONDS);
    assertThat(first.map(SubscriptionTest::text)).contains("on");
    assertThat(first.get().isRetain()).isTrue();
    always.subscribeWith().topicFilter("sub5/rh/+").retainHandling(Mqtt5RetainHandling.SEND).send();
    assertThat(alwaysGot.receive(WAIT, TimeUnit.SECONDS).map(SubscriptionTest::text)).as("again on re-subscribe").contains("on");

    Mqtt5BlockingClient ifNew = hive("rh-1");
    var ifNewGot = ifNew.publishes(MqttGlobalPublishFilter.ALL);
    ifNew.subscribeWith().topicFilter("sub5/rh/+").retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
    assertThat(ifNewGot.receive(WAIT, TimeUnit.SECONDS).map(SubscriptionTest::text)).contains("on");
    ifNew.subscribeWith().topicFilter("sub5/rh/+").retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
    assertThat(ifNewGot.receive(QUIET_MILLIS, TimeUnit.MILLISECONDS)).as("not for an existing subscription").isEmpty();

    Mqtt5BlockingClient never = hive("rh-2");
    var neverGot = never.publishes(MqttGlobalPublishFilter.ALL);
    never.subscribeWith().topicFilter("sub5/rh/+").retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).send();
    assertThat(neverGot.receive(QUIET_MILLIS, TimeUnit.MILLISECONDS)).isEmpty();
  }

  @Test
  void unsubscribeStopsDeliveryAndUnknownFiltersAreReportedAsNoSubscriptionExisted() throws Exception {
    Mqtt5BlockingClient sub = hive("unsub-5");
    sub.subscribeWith().topicFilter("sub5/unsub/a").qos(MqttQos.AT_LEAST_ONCE).send();
    var got = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter("sub5/unsub/b").qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient pub = hive("unsub-5-pub");

    Mqtt5UnsubAck ack = sub.unsubscribeWith().addTopicFilter("sub5/unsub/a").addTopicFilter("sub5/unsub/never").send();
    pub.publishWith().topic("sub5/unsub/a").qos(MqttQos.AT_LEAST_ONCE).payload("a".getBytes(StandardCharsets.UTF_8)).send();
    pub.publishWith().topic("sub5/unsub/b").qos(MqttQos.AT_LEAST_ONCE).payload("b".getBytes(StandardCharsets.UTF_8)).send();

    assertThat(ack.getReasonCodes()).containsExactly(Mqtt5UnsubAckReasonCode.SUCCESS, Mqtt5UnsubAckReasonCode.NO_SUBSCRIPTIONS_EXISTED);
    assertThat(got.receive(WAIT, TimeUnit.SECONDS).map(SubscriptionTest::text)).contains("b");
    assertThat(got.receive(QUIET_MILLIS, TimeUnit.MILLISECONDS)).isEmpty();
  }
}
