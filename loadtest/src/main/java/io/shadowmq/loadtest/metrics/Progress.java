package io.shadowmq.loadtest.metrics;

import io.vertx.core.json.JsonObject;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The live progress line: connections, messages per second in (published to the broker) and out
 * (delivered by it), errors. On a terminal the line is rewritten in place; otherwise a line is
 * printed every few seconds.
 */
public final class Progress {
  private final PrintStream out;
  private final boolean terminal;
  private final long startNanos = System.nanoTime();
  private JsonObject previous;
  private long previousNanos;
  private int ticks;

  public Progress(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** Shows a cumulative sample (see {@link Counters#sample()}), usually once a second. */
  public synchronized void show(JsonObject sample) {
    long now = System.nanoTime();
    double dt = previous == null ? 0 : (now - previousNanos) / 1e9;
    double in = dt > 0 ? (sample.getLong("sent") - previous.getLong("sent")) / dt : 0;
    double outRate = dt > 0 ? (sample.getLong("delivered") - previous.getLong("delivered")) / dt : 0;
    previous = sample;
    previousNanos = now;
    String line = line((now - startNanos) / 1e9, sample, in, outRate);
    if (terminal) {
      out.print("\r" + line + "   ");
    } else if (ticks++ % 5 == 0) {
      out.println(line);
    }
    out.flush();
  }

  /** Ends the in-place line so that what follows starts on a new one. */
  public synchronized void finish() {
    if (terminal && previous != null) {
      out.println();
    }
  }

  static String line(double elapsed, JsonObject s, double in, double out) {
    return String.format(Locale.ROOT, "[%5.0fs] conn %,d (failed %,d)  in %,.0f msg/s  out %,.0f msg/s  sent %,d  delivered %,d  errors %,d",
        elapsed, s.getLong("connections"), s.getLong("connectFailures"), in, out, s.getLong("sent"),
        s.getLong("delivered"), s.getLong("errors"));
  }

  /** Adds samples of several processes field by field. */
  public static JsonObject sum(Iterable<JsonObject> samples) {
    JsonObject total = new JsonObject().put("connections", 0L).put("connectFailures", 0L).put("sent", 0L)
        .put("delivered", 0L).put("errors", 0L);
    for (JsonObject s : samples) {
      for (String k : total.fieldNames()) {
        total.put(k, total.getLong(k) + s.getLong(k, 0L));
      }
    }
    return total;
  }
}
