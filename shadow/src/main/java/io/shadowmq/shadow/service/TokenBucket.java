package io.shadowmq.shadow.service;

/**
 * A token bucket: {@code burst} requests at once, then {@code perSecond} a second. Not thread-safe:
 * each is used on one context; the time is passed in, so it can be tested without waiting.
 */
final class TokenBucket {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long lastNanos;

  TokenBucket(int perSecond, int burst, long nowNanos) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  /** Takes a token if there is one. */
  boolean tryTake(long nowNanos) {
    long elapsed = nowNanos - lastNanos;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * perNano);
      lastNanos = nowNanos;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
