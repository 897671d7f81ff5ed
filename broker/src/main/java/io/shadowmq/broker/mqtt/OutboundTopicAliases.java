package io.shadowmq.broker.mqtt;

import java.util.HashMap;
import java.util.Map;

/**
 * Topic aliases the broker uses towards one MQTT 5 client, up to the client's Topic Alias Maximum.
 * When all are taken, the oldest mapping is reused for a new topic.
 */
final class OutboundTopicAliases {
  private final Map<String, Integer> byTopic = new HashMap<>();
  private final String[] byAlias;
  private int next = 1;

  OutboundTopicAliases(int maximum) {
    this.byAlias = new String[maximum + 1];
  }

  /** The alias the client already knows for a topic, or 0. */
  int known(String topic) {
    Integer alias = byTopic.get(topic);
    return alias == null ? 0 : alias;
  }

  /** Assigns an alias to a topic (to be sent together with it), reusing the oldest when all are taken. */
  int assign(String topic) {
    int alias = next;
    next = next + 1 >= byAlias.length ? 1 : next + 1;
    String previous = byAlias[alias];
    if (previous != null) {
      byTopic.remove(previous);
    }
    byAlias[alias] = topic;
    byTopic.put(topic, alias);
    return alias;
  }
}
