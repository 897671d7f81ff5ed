package io.shadowmq.loadtest.metrics;

import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Live counters of one process, updated from any event loop and read by the progress line. */
public final class Counters {
  public final AtomicLong connections = new AtomicLong();
  public final LongAdder connectFailures = new LongAdder();
  public final LongAdder sent = new LongAdder();
  public final LongAdder delivered = new LongAdder();
  public final LongAdder errors = new LongAdder();
  private volatile String lastError;

  public void error(String what) {
    errors.increment();
    lastError = what;
  }

  public String lastError() {
    return lastError;
  }

  /** A progress sample: connections, sent, delivered, errors (cumulative). */
  public JsonObject sample() {
    return new JsonObject()
        .put("connections", connections.get())
        .put("connectFailures", connectFailures.sum())
        .put("sent", sent.sum())
        .put("delivered", delivered.sum())
        .put("errors", errors.sum());
  }
}
