package io.shadowmq.loadtest.scenario;

import io.vertx.core.buffer.Buffer;

/**
 * The benchmark payload: sender index, whether the sender counted it (measured phase rather than
 * warm-up), sequence number and send time, padded to the requested size. The send time is
 * {@link System#nanoTime()}, which on Linux reads the system-wide monotonic clock, so sender and
 * receiver may be different processes on this machine. Receivers count exactly the messages their
 * sender counted: worker processes start their measured phase a few milliseconds apart, so a
 * receiver's own clock cannot tell.
 */
public final class Payloads {
  public static final int HEADER = 4 + 8 + 8;
  private static final int MEASURED = 0x8000_0000;
  private static final byte[] PAD = "x".repeat(4096).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Payloads() {
  }

  /** @param sender 0 or more */
  public static Buffer encode(int sender, long seq, long sendNanos, boolean measured, int size) {
    Buffer b = Buffer.buffer(Math.max(HEADER, size));
    b.appendInt(measured ? sender | MEASURED : sender).appendLong(seq).appendLong(sendNanos);
    for (int left = size - HEADER; left > 0; left -= PAD.length) {
      b.appendBytes(PAD, 0, Math.min(left, PAD.length));
    }
    return b;
  }

  public static boolean valid(Buffer b) {
    return b.length() >= HEADER;
  }

  public static int sender(Buffer b) {
    return b.getInt(0) & ~MEASURED;
  }

  /** Whether the sender counted this message as sent (it was sent in the measured phase). */
  public static boolean measured(Buffer b) {
    return (b.getInt(0) & MEASURED) != 0;
  }

  public static long seq(Buffer b) {
    return b.getLong(4);
  }

  public static long sendNanos(Buffer b) {
    return b.getLong(12);
  }
}
