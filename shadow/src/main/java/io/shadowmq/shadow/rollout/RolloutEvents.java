package io.shadowmq.shadow.rollout;

import io.shadowmq.shadow.port.Publisher;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * Publishes each rollout and execution state change as JSON on
 * {@code $shadowmq/rollouts/{rolloutId}/events} (QoS 1), for back-ends that follow rollouts.
 */
public final class RolloutEvents {
  private final Publisher publisher;

  public RolloutEvents(Publisher publisher) {
    this.publisher = publisher;
  }

  public static String topic(String rolloutId) {
    return "$shadowmq/rollouts/" + rolloutId + "/events";
  }

  /** {@code {"type": "rollout", "rolloutId", "state", "reason"?, "currentWave", "at"}}. */
  public void rollout(Rollout r) {
    if (!listened(r.id())) {
      return;
    }
    JsonObject e = new JsonObject().put("type", "rollout").put("rolloutId", r.id()).put("state", r.state().name())
        .put("currentWave", r.currentWave()).put("at", Instant.now().toString());
    if (r.reason() != null) {
      e.put("reason", r.reason());
    }
    send(r.id(), e);
  }

  /** {@code {"type": "execution", "rolloutId", "device", "from", "state", "attempt", "wave"?, "error"?, "at"}}. */
  public void execution(Transition t) {
    if (!listened(t.rolloutId())) {
      return;
    }
    JsonObject e = new JsonObject().put("type", "execution").put("rolloutId", t.rolloutId()).put("device", t.deviceId())
        .put("from", t.from().name()).put("state", t.to().name()).put("attempt", t.attempt())
        .put("at", Instant.now().toString());
    if (t.wave() >= 0) {
      e.put("wave", t.wave());
    }
    if (t.error() != null) {
      e.put("error", t.error());
    }
    send(t.rolloutId(), e);
  }

  /** Events are built only when someone subscribes to them: a large wave makes thousands at once. */
  private boolean listened(String rolloutId) {
    return publisher != null && publisher.hasSubscribers(topic(rolloutId));
  }

  /** After {@link #listened}: there is a publisher. */
  private void send(String rolloutId, JsonObject event) {
    publisher.publish(topic(rolloutId), event.toBuffer().getBytes(), 1, false);
  }
}
