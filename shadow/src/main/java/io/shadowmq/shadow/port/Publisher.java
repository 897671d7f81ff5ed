package io.shadowmq.shadow.port;

/** Publishes application messages as the broker itself, to every matching subscriber. Callable from any thread. */
public interface Publisher {

  /** Why a client-less publish to this topic is not allowed, or null when it is (reserved and invalid topics). */
  String topicProblem(String topic);

  /**
   * Publishes (and retains, when asked; an empty retained payload clears the topic). Returns how
   * many subscribers it went to.
   */
  int publish(String topic, byte[] payload, int qos, boolean retain);

  /**
   * Whether a publish to this topic now would reach anyone, so that a message nobody would get
   * need not be built. A message to be retained must be published all the same.
   */
  boolean hasSubscribers(String topic);
}
