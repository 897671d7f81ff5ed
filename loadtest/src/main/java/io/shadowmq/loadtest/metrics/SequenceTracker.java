package io.shadowmq.loadtest.metrics;

import java.util.BitSet;

/**
 * What one receiver saw of one sender's numbered messages: how many distinct ones, how many
 * duplicates and how many arrived after a higher number. Remembers a sliding window of
 * numbers, so memory stays bounded on long runs; a number that fell out of the window counts as
 * out of order. Not thread-safe: one tracker per receiver and sender.
 */
public final class SequenceTracker {
  static final int WINDOW = 1 << 16;

  private long base;
  private long maxSeen = -1;
  private BitSet seen = new BitSet();
  private long unique;
  private long duplicates;
  private long outOfOrder;

  /** Records message number {@code seq}; returns false if it is a duplicate. */
  public boolean record(long seq) {
    if (seq < base) {
      unique++;
      outOfOrder++;
      return true;
    }
    if (seq - base >= 2L * WINDOW) {
      long newBase = seq - WINDOW;
      int shift = (int) Math.min(newBase - base, Integer.MAX_VALUE);
      seen = shift >= seen.length() ? new BitSet() : seen.get(shift, seen.length());
      base = newBase;
    }
    int i = (int) (seq - base);
    if (seen.get(i)) {
      duplicates++;
      return false;
    }
    seen.set(i);
    unique++;
    if (seq < maxSeen) {
      outOfOrder++;
    } else {
      maxSeen = seq;
    }
    return true;
  }

  public long unique() {
    return unique;
  }

  public long duplicates() {
    return duplicates;
  }

  public long outOfOrder() {
    return outOfOrder;
  }
}
