package io.shadowmq.loadtest.metrics;

/**
 * Rate control: tells how many operations are due at a point in time for a target rate. Debt
 * beyond one second (or one operation, for rates under one per second) is forgiven, so a
 * stalled sender does not burst afterwards; the forgiven operations are counted as
 * {@link #behind()}. Not thread-safe: one pacer per sender context.
 */
public final class Pacer {
  private final double perSecond;
  private final long startNanos;
  private final long maxDebt;
  private long issued;
  private long behind;

  /** @param perSecond target rate; zero or less means unlimited */
  public Pacer(double perSecond, long startNanos) {
    this.perSecond = perSecond;
    this.startNanos = startNanos;
    this.maxDebt = Math.max(1, (long) Math.ceil(perSecond));
  }

  public boolean unlimited() {
    return perSecond <= 0;
  }

  /** Operations due now and not yet issued; {@link Long#MAX_VALUE} when unlimited. */
  public long due(long nowNanos) {
    if (unlimited()) {
      return Long.MAX_VALUE;
    }
    long target = (long) Math.floor((nowNanos - startNanos) / 1e9 * perSecond);
    long debt = target - issued;
    if (debt > maxDebt) {
      behind += debt - maxDebt;
      issued = target - maxDebt;
      debt = maxDebt;
    }
    return Math.max(0, debt);
  }

  /** Records that n operations were issued. */
  public void issued(long n) {
    issued += n;
  }

  public long issued() {
    return issued;
  }

  /** Operations skipped because the sender fell more than a second behind. */
  public long behind() {
    return behind;
  }
}
