package io.shadowmq.broker.ports;

import io.shadowmq.broker.codec.PacketProperties;
import io.shadowmq.broker.mqtt.MqttBroker;
import io.shadowmq.broker.routing.Message;
import io.shadowmq.broker.routing.Topics;
import io.shadowmq.broker.shadow.ShadowTopics;
import io.shadowmq.shadow.port.Publisher;

/** Publishes for the admin API as the broker itself: retained and routed like a client's PUBLISH. */
public final class BrokerPublisher implements Publisher {
  private final MqttBroker broker;

  public BrokerPublisher(MqttBroker broker) {
    this.broker = broker;
  }

  @Override
  public String topicProblem(String topic) {
    String problem = Topics.checkTopicName(topic, broker.settings().maxTopicLength(), broker.settings().maxTopicLevels());
    if (problem != null) {
      return problem;
    }
    if (topic.equals("$SYS") || topic.startsWith("$SYS/") || topic.startsWith(Topics.SHARE_PREFIX)) {
      return "topics under $SYS and $share are reserved";
    }
    if (topic.startsWith("$iothub/methods/")) {
      return "direct methods go through /api/v1/devices/{id}/methods/{name}";
    }
    if (ShadowTopics.parseRequest(topic) != null) {
      return "shadow requests go through /api/v1/devices/{id}/shadow";
    }
    return null;
  }

  @Override
  public int publish(String topic, byte[] payload, int qos, boolean retain) {
    return broker.publish(new Message(topic, payload, qos, retain, PacketProperties.NONE, 0, null));
  }

  @Override
  public boolean hasSubscribers(String topic) {
    return broker.router().tree().hasSubscribers(topic);
  }
}
