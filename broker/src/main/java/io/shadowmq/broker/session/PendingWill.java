package io.shadowmq.broker.session;

import io.shadowmq.broker.loop.BrokerLoop;
import io.shadowmq.broker.routing.Message;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A will waiting out its delay (MQTT 5 Will Delay Interval): published when the delay elapses or
 * the session ends, forgotten if the client reconnects first (MQTT-3.1.3-9). Owned by the session's
 * loop; its timer follows the session when it moves to another loop.
 */
final class PendingWill {
  private final Consumer<Message> publisher;
  private Message will;
  private long dueNanos;
  private ScheduledFuture<?> timer;

  PendingWill(Consumer<Message> publisher) {
    this.publisher = publisher;
  }

  /** Holds the will until {@code delaySeconds} from now; {@link #arm} starts the timer. */
  void hold(Message message, long delaySeconds) {
    will = message;
    dueNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(delaySeconds);
  }

  /** Starts the timer on the session's loop for what is left of the delay. */
  void arm(BrokerLoop loop) {
    if (will != null && timer == null) {
      timer = loop.schedule(this::publishNow, Math.max(0, dueNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }

  /** Stops the timer (the session moves to another loop, which arms it again if it must). */
  void disarm() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** The client is back in time: the will is not published. */
  void cancel() {
    disarm();
    will = null;
  }

  /** Publishes the will if one is waiting (delay elapsed, or the session ends). */
  void publishNow() {
    Message m = will;
    will = null;
    disarm();
    if (m != null) {
      publisher.accept(m);
    }
  }
}
