package io.shadowmq.broker.ports;

import io.shadowmq.broker.codec.PacketProperties;
import io.shadowmq.broker.config.MqttSettings;
import io.shadowmq.broker.retained.RetainedMessages;
import io.shadowmq.broker.routing.Message;
import io.shadowmq.broker.routing.Topics;
import io.shadowmq.shadow.port.RetainedAccess;
import io.shadowmq.shadow.port.RetainedEntry;

import java.util.Comparator;
import java.util.List;

/** The retained messages, for the admin API: listed by filter, deleted (and so removed from storage too). */
public final class RetainedView implements RetainedAccess {
  private final RetainedMessages retained;
  private final MqttSettings settings;

  public RetainedView(RetainedMessages retained, MqttSettings settings) {
    this.retained = retained;
    this.settings = settings;
  }

  @Override
  public String filterProblem(String topicFilter) {
    try {
      Topics.ParsedFilter f = Topics.parseFilter(topicFilter, settings.maxTopicLength(), settings.maxTopicLevels());
      return f.shareGroup() != null ? "a shared subscription filter selects no retained messages" : null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  @Override
  public String topicProblem(String topic) {
    return Topics.checkTopicName(topic, settings.maxTopicLength(), settings.maxTopicLevels());
  }

  @Override
  public List<RetainedEntry> list(String topicFilter, int limit) {
    return retained.match(topicFilter, System.currentTimeMillis()).stream()
        .sorted(Comparator.comparing(Message::topic))
        .limit(limit)
        .map(m -> new RetainedEntry(m.topic(), m.payload(), m.qos()))
        .toList();
  }

  @Override
  public boolean delete(String topic) {
    if (retained.match(topic, System.currentTimeMillis()).isEmpty()) {
      return false;
    }
    // An empty retained message clears the topic, in memory and in storage; it is not routed to anyone.
    retained.put(new Message(topic, new byte[0], 0, true, PacketProperties.NONE, 0, null));
    return true;
  }
}
