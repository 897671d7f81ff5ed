package io.shadowmq.broker.shadow;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.shadowmq.broker.TestBroker;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A HiveMQ MQTT 5 client connected to a test broker, with what shadow tests need: JSON in and out. */
final class ShadowClient implements AutoCloseable {
  /** A message received: its topic and JSON body, and the publish itself for its properties. */
  record Received(String topic, JsonObject body, Mqtt5Publish publish) {
  }

  final Mqtt5BlockingClient mqtt;
  final Mqtt5BlockingClient.Mqtt5Publishes publishes;

  ShadowClient(TestBroker broker, String clientId) {
    mqtt = MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1")
        .serverPort(broker.port()).buildBlocking();
    publishes = mqtt.publishes(MqttGlobalPublishFilter.ALL);
    mqtt.connectWith().cleanStart(true).send();
  }

  ShadowClient subscribe(String... filters) {
    for (String f : filters) {
      mqtt.subscribeWith().topicFilter(f).qos(MqttQos.AT_LEAST_ONCE).send();
    }
    return this;
  }

  void unsubscribe(String... filters) {
    for (String f : filters) {
      mqtt.unsubscribeWith().topicFilter(f).send();
    }
  }

  void publish(String topic, String json) {
    mqtt.publishWith().topic(topic).payload(json.getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();
  }

  /** The next message, within 10 seconds; fails the test if none comes. */
  Received next() throws InterruptedException {
    Optional<Mqtt5Publish> p = publishes.receive(10, TimeUnit.SECONDS);
    assertThat(p).as("a message within 10 s").isPresent();
    return new Received(p.get().getTopic().toString(),
        new JsonObject(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8)), p.get());
  }

  /** Asserts that nothing arrives for a short while (the only bounded sleep shadow tests use). */
  void expectNothing() throws InterruptedException {
    Optional<Mqtt5Publish> p = publishes.receive(300, TimeUnit.MILLISECONDS);
    assertThat(p.map(x -> x.getTopic() + " " + new String(x.getPayloadAsBytes(), StandardCharsets.UTF_8)))
        .as("no message").isEmpty();
  }

  @Override
  public void close() {
    try {
      publishes.close();
      if (mqtt.getState().isConnected()) {
        mqtt.disconnect();
      }
    } catch (RuntimeException ignored) {
      // the broker may be gone already at the end of a test
    }
  }
}
