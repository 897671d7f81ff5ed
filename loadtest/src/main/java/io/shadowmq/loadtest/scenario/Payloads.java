package io.shadowmq.loadtest.scenario;

import io.vertx.core.buffer.Buffer;

/**
 * The benchmark payload: sender index, sequence number and send time, padded to the requested
 * size. The send time is {@link System#nanoTime()}, which on Linux reads the system-wide
 * monotonic clock, so sender and receiver may be different processes on this machine.
 */
public final class Payloads {
  public static final int HEADER = 4 + 8 + 8;
  private static final byte[] PAD = "x".repeat(4096).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Payloads() {
  }

  public static Buffer encode(int sender, long seq, long sendNanos, int size) {
    Buffer b = Buffer.buffer(Math.max(HEADER, size));
    b.appendInt(sender).appendLong(seq).appendLong(sendNanos);
    for (int left = size - HEADER; left > 0; left -= PAD.length) {
      b.appendBytes(PAD, 0, Math.min(left, PAD.length));
    }
    return b;
  }

  public static boolean valid(Buffer b) {
    return b.length() >= HEADER;
  }

  public static int sender(Buffer b) {
    return b.getInt(0);
  }

  public static long seq(Buffer b) {
    return b.getLong(4);
  }

  public static long sendNanos(Buffer b) {
    return b.getLong(12);
  }
}
