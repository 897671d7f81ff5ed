package io.shadowmq.broker.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.shadowmq.broker.TestBroker;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class SmokeTest {
  TestBroker broker;
  Mqtt5BlockingClient sub;
  org.eclipse.paho.client.mqttv3.MqttClient pub;

  @BeforeEach
  void start() throws Exception {
    broker = TestBroker.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (sub != null) {
      sub.disconnect();
    }
    if (pub != null) {
      pub.disconnect();
      pub.close();
    }
    broker.close();
  }

  @Test
  void pahoPublishReachesHiveMqSubscriber() throws Exception {
    sub = MqttClient.builder().useMqttVersion5().identifier("sub").serverHost("127.0.0.1").serverPort(broker.port())
        .buildBlocking();
    sub.connect();
    var publishes = sub.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL);
    sub.subscribeWith().topicFilter("a/+").qos(MqttQos.EXACTLY_ONCE).send();

    pub = new org.eclipse.paho.client.mqttv3.MqttClient(broker.tcpUri(), "pub", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    pub.connect(o);
    pub.publish("a/b", new MqttMessage("hello".getBytes(StandardCharsets.UTF_8)) {{
      setQos(2);
    }});

    Optional<Mqtt5Publish> got = publishes.receive(5, TimeUnit.SECONDS);
    assertThat(got).isPresent();
    assertThat(got.get().getTopic().toString()).isEqualTo("a/b");
    assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(got.get().getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
  }
}
