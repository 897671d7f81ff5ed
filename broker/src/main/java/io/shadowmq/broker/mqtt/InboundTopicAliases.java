package io.shadowmq.broker.mqtt;

/** Topic aliases a client set for its PUBLISH packets on one connection (MQTT 5 section 3.3.2.3.4). */
final class InboundTopicAliases {
  private final String[] topics;

  InboundTopicAliases(int maximum) {
    this.topics = new String[maximum + 1];
  }

  boolean isValid(int alias) {
    return alias >= 1 && alias < topics.length;
  }

  void set(int alias, String topic) {
    topics[alias] = topic;
  }

  /** The topic mapped to the alias, or null when the client never set it. */
  String get(int alias) {
    return topics[alias];
  }
}
