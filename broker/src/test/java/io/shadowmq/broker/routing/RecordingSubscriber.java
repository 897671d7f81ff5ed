package io.shadowmq.broker.routing;

import java.util.ArrayList;
import java.util.List;

/** A subscriber that keeps what it is given, for routing tests that need no connection. */
final class RecordingSubscriber implements Subscriber {
  private final String clientId;
  final List<Delivery> deliveries = new ArrayList<>();
  boolean online = true;

  RecordingSubscriber(String clientId) {
    this.clientId = clientId;
  }

  @Override
  public String clientId() {
    return clientId;
  }

  @Override
  public boolean isOnline() {
    return online;
  }

  @Override
  public boolean isEnded() {
    return false;
  }

  @Override
  public void post(Delivery delivery) {
    deliveries.add(delivery);
  }

  /** A subscription of this subscriber, the filter parsed as the broker parses it. */
  Subscription subscription(String filter, int qos, int subscriptionId) {
    Topics.ParsedFilter p = Topics.parseFilter(filter, 65_535, 1000);
    return new Subscription(this, filter, p.topicFilter(), p.shareGroup(), qos, false, false, 0, subscriptionId);
  }

  @Override
  public String toString() {
    return clientId;
  }
}
