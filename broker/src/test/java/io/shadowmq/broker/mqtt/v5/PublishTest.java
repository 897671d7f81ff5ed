package io.shadowmq.broker.mqtt.v5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubRecException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrec.Mqtt5PubRecReasonCode;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.PahoInbox;
import io.shadowmq.broker.TestBroker;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MQTT 5 PUBLISH between HiveMQ and Paho: QoS 0/1/2 both ways, acknowledgement reasons, properties passed through. */
@Timeout(30)
class PublishTest {
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

  private org.eclipse.paho.mqttv5.client.MqttClient pahoConnected(String id) throws Exception {
    var paho = clients.paho5(id);
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setConnectionTimeout(5);
    paho.connect(o);
    return paho;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void hiveMqPublishReachesPahoSubscriberAtItsQos(int qos) throws Exception {
    String topic = "pub5/h2p/" + qos;
    var paho = pahoConnected("p5-sub-" + qos);
    var inbox = PahoInbox.V5.of(paho);
    paho.subscribe(topic, 2);
    Mqtt5BlockingClient hive = clients.hive5("h5-pub-" + qos);
    hive.connect();

    hive.publishWith().topic(topic).qos(MqttQos.fromCode(qos)).payload("m".getBytes(StandardCharsets.UTF_8)).send();

    var got = inbox.next(Duration.ofSeconds(5));
    assertThat(got).isNotNull();
    assertThat(got.topic()).isEqualTo(topic);
    assertThat(got.message().getQos()).isEqualTo(qos);
    assertThat(got.message().getPayload()).asString(StandardCharsets.UTF_8).isEqualTo("m");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void pahoPublishReachesHiveMqSubscriberAtItsQos(int qos) throws Exception {
    String topic = "pub5/p2h/" + qos;
    Mqtt5BlockingClient hive = clients.hive5("h5-sub-" + qos);
    hive.connect();
    var publishes = hive.publishes(MqttGlobalPublishFilter.ALL);
    hive.subscribeWith().topicFilter(topic).qos(MqttQos.EXACTLY_ONCE).send();
    var paho = pahoConnected("p5-pub-" + qos);

    MqttMessage m = new MqttMessage("m".getBytes(StandardCharsets.UTF_8));
    m.setQos(qos);
    paho.publish(topic, m);

    Optional<Mqtt5Publish> got = publishes.receive(5, TimeUnit.SECONDS);
    assertThat(got).isPresent();
    assertThat(got.get().getQos().getCode()).isEqualTo(qos);
    assertThat(got.get().getPayloadAsBytes()).asString(StandardCharsets.UTF_8).isEqualTo("m");
  }

  @Test
  void subscriberGetsTheLowerOfPublishAndSubscriptionQos() throws Exception {
    Mqtt5BlockingClient sub = clients.hive5("qos-min-sub");
    sub.connect();
    var publishes = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter("pub5/min").qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient pub = clients.hive5("qos-min-pub");
    pub.connect();

    pub.publishWith().topic("pub5/min").qos(MqttQos.EXACTLY_ONCE).payload(new byte[] {2}).send();
    pub.publishWith().topic("pub5/min").qos(MqttQos.AT_MOST_ONCE).payload(new byte[] {0}).send();

    assertThat(publishes.receive(5, TimeUnit.SECONDS).map(Mqtt5Publish::getQos)).contains(MqttQos.AT_LEAST_ONCE);
    assertThat(publishes.receive(5, TimeUnit.SECONDS).map(Mqtt5Publish::getQos)).contains(MqttQos.AT_MOST_ONCE);
  }

  @Test
  void manyQos2MessagesInFlightArriveOnceEachAndInOrder() throws Exception {
    int count = 500;
    Mqtt5BlockingClient sub = clients.hive5("many-sub");
    sub.connect();
    var publishes = sub.publishes(MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter("pub5/many").qos(MqttQos.EXACTLY_ONCE).send();
    Mqtt5AsyncClient pub = clients.hive5("many-pub").toAsync();
    pub.connect().get(5, TimeUnit.SECONDS);

    List<CompletableFuture<Mqtt5PublishResult>> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sent.add(pub.publishWith().topic("pub5/many").qos(MqttQos.EXACTLY_ONCE)
          .payload(ByteBuffer.allocate(4).putInt(0, i)).send());
    }
    CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);

    for (int i = 0; i < count; i++) {
      Optional<Mqtt5Publish> got = publishes.receive(5, TimeUnit.SECONDS);
      assertThat(got).as("message %d", i).isPresent();
      assertThat(ByteBuffer.wrap(got.get().getPayloadAsBytes()).getInt()).isEqualTo(i);
    }
    assertThat(publishes.receive(300, TimeUnit.MILLISECONDS)).isEmpty(); // and nothing twice
  }

  @Test
  void pubAckSaysNoMatchingSubscribersWhenNobodyListens() {
    Mqtt5BlockingClient pub = clients.hive5("nobody-pub");
    pub.connect();

    Mqtt5PublishResult result = pub.publishWith().topic("pub5/nobody/listens").qos(MqttQos.AT_LEAST_ONCE).send();

    assertThat(((Mqtt5PublishResult.Mqtt5Qos1Result) result).getPubAck().getReasonCode())
        .isEqualTo(Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);
  }

  @Test
  void publishToAReservedTopicIsRefusedWithTopicNameInvalidAndAReasonString() {
    Mqtt5BlockingClient pub = clients.hive5("reserved-pub");
    pub.connect();

    assertThatThrownBy(() -> pub.publishWith().topic("$SYS/broker/uptime").qos(MqttQos.AT_LEAST_ONCE).send())
        .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> {
          assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
          assertThat(e.getMqttMessage().getReasonString()).isPresent();
        });
    assertThat(pub.getState().isConnected()).isTrue();
  }

  @Test
  void qos2PublishToAReservedTopicIsRefusedInThePubRec() {
    Mqtt5BlockingClient pub = clients.hive5("reserved-pub-2");
    pub.connect();

    assertThatThrownBy(() -> pub.publishWith().topic("$SYS/broker/load").qos(MqttQos.EXACTLY_ONCE).send())
        .isInstanceOfSatisfying(Mqtt5PubRecException.class, e -> {
          assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubRecReasonCode.TOPIC_NAME_INVALID);
          assertThat(e.getMqttMessage().getReasonString()).isPresent();
        });
    // the flow ended at the PUBREC: the packet id is free and the connection fine
    assertThat(pub.publishWith().topic("pub5/after-refusal").qos(MqttQos.EXACTLY_ONCE).send().getError()).isEmpty();
  }

  @Test
  void requestResponsePropertiesAndUserPropertiesPassFromHiveMqToPaho() throws Exception {
    var paho = pahoConnected("props-p-sub");
    var inbox = PahoInbox.V5.of(paho);
    paho.subscribe("pub5/props/h2p", 1);
    Mqtt5BlockingClient hive = clients.hive5("props-h-pub");
    hive.connect();

    hive.publishWith().topic("pub5/props/h2p").qos(MqttQos.AT_LEAST_ONCE).payload("{}".getBytes(StandardCharsets.UTF_8))
        .responseTopic("pub5/props/reply").correlationData("corr-1".getBytes(StandardCharsets.UTF_8))
        .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8).contentType("application/json")
        .userProperties().add("k1", "v1").add("k1", "v2").add("k2", "v3").applyUserProperties()
        .send();

    var got = inbox.next(Duration.ofSeconds(5));
    assertThat(got).isNotNull();
    MqttProperties p = got.message().getProperties();
    assertThat(p.getResponseTopic()).isEqualTo("pub5/props/reply");
    assertThat(p.getCorrelationData()).asString(StandardCharsets.UTF_8).isEqualTo("corr-1");
    assertThat(p.getPayloadFormat()).isTrue();
    assertThat(p.getContentType()).isEqualTo("application/json");
    assertThat(p.getUserProperties()).extracting(u -> u.getKey() + "=" + u.getValue())
        .containsExactly("k1=v1", "k1=v2", "k2=v3"); // order and repeats kept (MQTT-3.3.2-18)
  }

  @Test
  void requestResponsePropertiesAndUserPropertiesPassFromPahoToHiveMq() throws Exception {
    Mqtt5BlockingClient hive = clients.hive5("props-h-sub");
    hive.connect();
    var publishes = hive.publishes(MqttGlobalPublishFilter.ALL);
    hive.subscribeWith().topicFilter("pub5/props/p2h").qos(MqttQos.AT_LEAST_ONCE).send();
    var paho = pahoConnected("props-p-pub");

    MqttMessage m = new MqttMessage("text".getBytes(StandardCharsets.UTF_8));
    m.setQos(1);
    MqttProperties p = new MqttProperties();
    p.setResponseTopic("pub5/props/answer");
    p.setCorrelationData(new byte[] {0, 1, 2, (byte) 255});
    p.setPayloadFormat(true);
    p.setContentType("text/plain");
    p.setUserProperties(List.of(new UserProperty("device", "pump-1"), new UserProperty("unit", "°C")));
    m.setProperties(p);
    paho.publish("pub5/props/p2h", m);

    Mqtt5Publish got = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
    assertThat(got.getResponseTopic().map(Object::toString)).contains("pub5/props/answer");
    assertThat(got.getCorrelationData().map(b -> {
      byte[] bytes = new byte[b.remaining()];
      b.duplicate().get(bytes);
      return bytes;
    })).hasValueSatisfying(b -> assertThat(b).containsExactly(0, 1, 2, 255));
    assertThat(got.getPayloadFormatIndicator()).contains(Mqtt5PayloadFormatIndicator.UTF_8);
    assertThat(got.getContentType().map(Object::toString)).contains("text/plain");
    assertThat(got.getUserProperties().asList()).extracting(u -> u.getName() + "=" + u.getValue())
        .containsExactly("device=pump-1", "unit=°C");
  }
}
