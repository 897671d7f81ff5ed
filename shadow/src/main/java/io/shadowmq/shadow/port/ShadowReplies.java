package io.shadowmq.shadow.port;

import io.shadowmq.shadow.state.ShadowOutcome;

/**
 * Where the replies of a shadow request made outside MQTT (over HTTP) go: the broker publishes
 * them on the shadow's reply topics, so the device gets its {@code delta} and listeners their
 * {@code accepted} and {@code documents}, as when the request came over MQTT.
 */
public interface ShadowReplies {

  /** Publishes the outcome's replies on the shadow's reply topics. */
  void publish(ShadowOutcome outcome);
}
