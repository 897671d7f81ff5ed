package io.shadowmq.loadtest.metrics;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;

/**
 * A latency distribution in microseconds: wait-free recording from any thread, and an exact
 * export (compressed HdrHistogram, base64) so that worker processes' distributions merge
 * without losing precision.
 */
public final class Latency {
  private final Recorder recorder = new Recorder(3);
  private final Histogram total = new Histogram(3);

  public void recordMicros(long micros) {
    recorder.recordValue(Math.max(0, micros));
  }

  public void recordNanosSince(long startNanos, long nowNanos) {
    recordMicros((nowNanos - startNanos) / 1000);
  }

  /** Everything recorded so far. */
  public synchronized Histogram snapshot() {
    total.add(recorder.getIntervalHistogram());
    return total.copy();
  }

  /** The histogram as base64 of HdrHistogram's compressed encoding. */
  public static String encode(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(buf);
    byte[] bytes = new byte[n];
    buf.flip();
    buf.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Reads what {@link #encode} wrote. */
  public static Histogram decode(String base64) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("not an encoded histogram", e);
    }
  }

  /** {@code {"p50","p90","p99","p999","max"}} in milliseconds, or null for an empty histogram. */
  public static JsonObject percentilesMs(Histogram h) {
    if (h == null || h.getTotalCount() == 0) {
      return null;
    }
    return new JsonObject()
        .put("p50", ms(h.getValueAtPercentile(50)))
        .put("p90", ms(h.getValueAtPercentile(90)))
        .put("p99", ms(h.getValueAtPercentile(99)))
        .put("p999", ms(h.getValueAtPercentile(99.9)))
        .put("max", ms(h.getMaxValue()));
  }

  private static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }
}
