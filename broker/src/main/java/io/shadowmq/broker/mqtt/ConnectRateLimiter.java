package io.shadowmq.broker.mqtt;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket over all event loops: at most {@code perSecond} CONNECTs a second, with bursts of
 * up to one second's worth. Lock-free; 0 means no limit.
 */
public final class ConnectRateLimiter {
  private final long perSecond;
  private final long intervalNanos;
  private final long burstNanos;
  /** The time at which the bucket is empty; tokens are the distance from now to it. */
  private final AtomicLong emptyAt;

  public ConnectRateLimiter(int perSecond) {
    this.perSecond = perSecond;
    this.intervalNanos = perSecond > 0 ? 1_000_000_000L / perSecond : 0;
    this.burstNanos = 1_000_000_000L;
    this.emptyAt = new AtomicLong(System.nanoTime() - burstNanos);
  }

  /** Takes a token; false when the rate is exceeded. */
  public boolean tryAcquire() {
    if (perSecond <= 0) {
      return true;
    }
    long now = System.nanoTime();
    while (true) {
      long current = emptyAt.get();
      long base = Math.max(current, now - burstNanos);
      long next = base + intervalNanos;
      if (next > now) {
        return false;
      }
      if (emptyAt.compareAndSet(current, next)) {
        return true;
      }
    }
  }
}
