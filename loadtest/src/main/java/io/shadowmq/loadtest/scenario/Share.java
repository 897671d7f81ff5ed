package io.shadowmq.loadtest.scenario;

/** Splits a count into near-equal contiguous parts: which indices part k of n owns. */
public record Share(long start, long end) {

  public static Share of(long total, int part, int parts) {
    if (parts < 1 || part < 0 || part >= parts) {
      throw new IllegalArgumentException("part " + part + " of " + parts);
    }
    long base = total / parts;
    long rest = total % parts;
    long start = part * base + Math.min(part, rest);
    long size = base + (part < rest ? 1 : 0);
    return new Share(start, start + size);
  }

  public long size() {
    return end - start;
  }
}
