package io.shadowmq.broker.routing;

/**
 * Whatever the subscription tree delivers to: a client session. {@link #post} may be called from
 * any event loop; the subscriber hands the delivery over to the loop that owns it.
 */
public interface Subscriber {
  String clientId();

  /** Whether a client is connected to it now (shared subscriptions prefer connected members). */
  boolean isOnline();

  /** Whether it has ended; an ended subscriber takes no more deliveries. */
  boolean isEnded();

  void post(Delivery delivery);
}
