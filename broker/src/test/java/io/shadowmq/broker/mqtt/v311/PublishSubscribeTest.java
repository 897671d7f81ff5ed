package io.shadowmq.broker.mqtt.v311;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.PahoInbox;
import io.shadowmq.broker.TestBroker;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 3.1.1 PUBLISH and SUBSCRIBE between Paho and HiveMQ: QoS 0/1/2 both ways, wildcards, $-topics, unsubscribe. */
@Timeout(30)
class PublishSubscribeTest {
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

  MqttClient paho(String id) throws Exception {
    MqttClient p = clients.paho3(id);
    p.connect(Clients.paho3Options(true));
    return p;
  }

  Mqtt3BlockingClient hive(String id) {
    Mqtt3BlockingClient h = clients.hive3(id);
    h.connect();
    return h;
  }

  static MqttMessage message(String payload, int qos) {
    MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
    m.setQos(qos);
    return m;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void pahoPublishReachesHiveMqSubscriberAtItsQos(int qos) throws Exception {
    String topic = "pub311/p2h/" + qos;
    Mqtt3BlockingClient sub = hive("h3-sub-" + qos);
    var got = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter(topic).qos(MqttQos.EXACTLY_ONCE).send();

    paho("p3-pub-" + qos).publish(topic, message("m", qos));

    Mqtt3Publish p = got.receive(5, TimeUnit.SECONDS).orElseThrow();
    assertThat(p.getQos().getCode()).isEqualTo(qos);
    assertThat(p.getPayloadAsBytes()).asString(StandardCharsets.UTF_8).isEqualTo("m");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void hiveMqPublishReachesPahoSubscriberAtItsQos(int qos) throws Exception {
    String topic = "pub311/h2p/" + qos;
    MqttClient sub = paho("p3-sub-" + qos);
    var inbox = PahoInbox.V3.of(sub);
    sub.subscribe(topic, 2);

    hive("h3-pub-" + qos).publishWith().topic(topic).qos(MqttQos.fromCode(qos)).payload("m".getBytes(StandardCharsets.UTF_8)).send();

    var m = inbox.next(Duration.ofSeconds(5));
    assertThat(m).isNotNull();
    assertThat(m.topic()).isEqualTo(topic);
    assertThat(m.message().getQos()).isEqualTo(qos);
  }

  @Test
  void wildcardSubscriptionsMatchByLevel() throws Exception {
    MqttClient sub = paho("wild-311");
    var inbox = PahoInbox.V3.of(sub);
    sub.subscribe(new String[] {"w311/+/temp", "w311/site/#", "w311/+"}, new int[] {1, 1, 1});
    Mqtt3BlockingClient pub = hive("wild-311-pub");

    String[] published = {"w311/a/temp", "w311/a/b/temp", "w311/site", "w311/site/x/y", "w311/other/hum", "w311/z", "w311"};
    for (String t : published) {
      pub.publishWith().topic(t).qos(MqttQos.AT_LEAST_ONCE).payload(t.getBytes(StandardCharsets.UTF_8)).send();
    }

    List<String> topics = new ArrayList<>();
    PahoInbox.Received<MqttMessage> m;
    while ((m = inbox.next(Duration.ofMillis(500))) != null) {
      topics.add(m.topic());
    }
    // "w311/site" matches both w311/site/# (the parent level) and w311/+, but is delivered once.
    assertThat(topics).containsExactlyInAnyOrder("w311/a/temp", "w311/site", "w311/site/x/y", "w311/z");
  }

  @Test
  void dollarTopicsAreNotMatchedByLeadingWildcards() throws Exception {
    Mqtt3BlockingClient all = hive("dollar-311-all");
    all.subscribeWith().topicFilter("#").send();
    var allGot = all.publishes(MqttGlobalPublishFilter.ALL);
    all.subscribeWith().topicFilter("+/d311").send();
    Mqtt3BlockingClient explicit = hive("dollar-311-explicit");
    var explicitGot = explicit.publishes(MqttGlobalPublishFilter.ALL);
    explicit.subscribeWith().topicFilter("$dev/#").send();

    paho("dollar-311-pub").publish("$dev/d311", message("x", 1));

    assertThat(explicitGot.receive(5, TimeUnit.SECONDS).map(p -> p.getTopic().toString())).contains("$dev/d311");
    assertThat(allGot.receive(400, TimeUnit.MILLISECONDS)).isEmpty();
  }

  @Test
  void unsubscribeStopsDelivery() throws Exception {
    MqttClient sub = paho("unsub-311");
    var inbox = PahoInbox.V3.of(sub);
    sub.subscribe("u311/a", 1);
    sub.subscribe("u311/b", 1);
    Mqtt3BlockingClient pub = hive("unsub-311-pub");

    sub.unsubscribe("u311/a");
    pub.publishWith().topic("u311/a").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {1}).send();
    pub.publishWith().topic("u311/b").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {2}).send();

    var m = inbox.next(Duration.ofSeconds(5));
    assertThat(m).isNotNull();
    assertThat(m.topic()).isEqualTo("u311/b");
    assertThat(inbox.next(Duration.ofMillis(400))).isNull();
  }

  @Test
  void publishWithQos1ToAReservedTopicIsAcknowledgedButNotDelivered() throws Exception {
    Mqtt3BlockingClient sub = hive("sys-311-sub");
    var got = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter("$SYS/#").send();
    MqttClient pub = paho("sys-311-pub");

    pub.publish("$SYS/fake", message("x", 1)); // returns once PUBACK arrived

    assertThat(pub.isConnected()).isTrue();
    Optional<Mqtt3Publish> p = got.receive(400, TimeUnit.MILLISECONDS);
    assertThat(p).isEmpty();
  }
}
