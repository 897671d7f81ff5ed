package io.shadowmq.broker.routing;

/**
 * One subscription of one session. Immutable: subscribing again to the same filter replaces it.
 *
 * @param filter         the filter as the client sent it, with a {@code $share/group/} prefix if any
 * @param topicFilter    the filter that is matched against topics
 * @param shareGroup     the shared subscription group, or null
 * @param subscriptionId the MQTT 5 subscription identifier, or 0
 */
public record Subscription(Subscriber subscriber, String filter, String topicFilter, String shareGroup, int qos,
                           boolean noLocal, boolean retainAsPublished, int retainHandling, int subscriptionId) {

  public boolean isShared() {
    return shareGroup != null;
  }
}
