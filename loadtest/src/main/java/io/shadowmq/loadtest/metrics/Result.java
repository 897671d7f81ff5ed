package io.shadowmq.loadtest.metrics;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a run, as written by {@code --json}: counts, rates, latency percentiles and,
 * for merging worker processes' results, the exact latency histograms. Fields that do not apply
 * to a scenario stay null.
 */
public final class Result {
  public String scenario;
  public String broker;
  public int workers = 1;
  public Long connections;
  public Long connectFailures;
  public Double connectRate;
  public Long sent;
  public Long delivered;
  /** How many deliveries each sent message should cause (subscribers per message); null if not counted. */
  public Double expectedPerSent;
  public Long lost;
  public Long duplicated;
  public Long outOfOrder;
  public Long errors;
  public Double durationSeconds;
  public Double msgsPerSecIn;
  public Double msgsPerSecOut;
  public Double cpuSecondsLoadgen;
  public Double cpuSecondsBroker;
  public Long brokerRssBefore;
  public Long brokerRssAfter;
  public Long brokerHeapBefore;
  public Long brokerHeapAfter;
  public Double bytesPerConnection;
  public Double heapBytesPerConnection;
  /** The measured window in {@link System#nanoTime()} (the same clock in every process here); CPU is read over it. */
  public Long windowStartNanos;
  public Long windowEndNanos;
  public boolean skipped;
  public String skipReason;
  public String lastError;
  /** Latency histograms in microseconds by JSON name; "latencyMs" is the scenario's main one. */
  public final Map<String, Histogram> histograms = new LinkedHashMap<>();
  /** Scenario-specific counts (summed when merging). */
  public final Map<String, Long> extra = new LinkedHashMap<>();

  /** Derives {@link #lost} from what was sent, what should have arrived and what arrived once. */
  public void computeLost() {
    if (expectedPerSent != null && sent != null && delivered != null) {
      long expected = Math.round(sent * expectedPerSent);
      long unique = delivered - (duplicated == null ? 0 : duplicated);
      lost = Math.max(0, expected - unique);
    }
  }

  /** Derives the per-connection memory figures from the broker measurements. */
  public void computeMemoryPerConnection() {
    if (connections != null && connections > 0) {
      if (brokerRssBefore != null && brokerRssAfter != null) {
        bytesPerConnection = (double) Math.round((brokerRssAfter - brokerRssBefore) / (double) connections);
      }
      if (brokerHeapBefore != null && brokerHeapAfter != null) {
        heapBytesPerConnection = (double) Math.round((brokerHeapAfter - brokerHeapBefore) / (double) connections);
      }
    }
  }

  /**
   * Merges the results of worker processes that ran side by side: counts, rates and CPU add up,
   * durations take the longest, histograms merge exactly.
   */
  public static Result merge(List<Result> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("nothing to merge");
    }
    Result m = new Result();
    m.scenario = parts.get(0).scenario;
    m.broker = parts.get(0).broker;
    m.workers = parts.size();
    for (Result r : parts) {
      m.connections = add(m.connections, r.connections);
      m.connectFailures = add(m.connectFailures, r.connectFailures);
      m.connectRate = add(m.connectRate, r.connectRate);
      m.sent = add(m.sent, r.sent);
      m.delivered = add(m.delivered, r.delivered);
      m.duplicated = add(m.duplicated, r.duplicated);
      m.outOfOrder = add(m.outOfOrder, r.outOfOrder);
      m.errors = add(m.errors, r.errors);
      m.msgsPerSecIn = add(m.msgsPerSecIn, r.msgsPerSecIn);
      m.msgsPerSecOut = add(m.msgsPerSecOut, r.msgsPerSecOut);
      m.cpuSecondsLoadgen = add(m.cpuSecondsLoadgen, r.cpuSecondsLoadgen);
      m.durationSeconds = max(m.durationSeconds, r.durationSeconds);
      m.windowStartNanos = m.windowStartNanos == null ? r.windowStartNanos
          : r.windowStartNanos == null ? m.windowStartNanos : Long.valueOf(Math.min(m.windowStartNanos, r.windowStartNanos));
      m.windowEndNanos = m.windowEndNanos == null ? r.windowEndNanos
          : r.windowEndNanos == null ? m.windowEndNanos : Long.valueOf(Math.max(m.windowEndNanos, r.windowEndNanos));
      if (r.expectedPerSent != null) {
        m.expectedPerSent = r.expectedPerSent;
      }
      m.skipped |= r.skipped;
      if (r.skipReason != null) {
        m.skipReason = r.skipReason;
      }
      if (r.lastError != null) {
        m.lastError = r.lastError;
      }
      r.histograms.forEach((k, h) -> m.histograms.merge(k, h.copy(), (a, b) -> {
        a.add(b);
        return a;
      }));
      r.extra.forEach((k, v) -> m.extra.merge(k, v, Long::sum));
    }
    m.computeLost();
    return m;
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject()
        .put("scenario", scenario)
        .put("broker", broker)
        .put("workers", workers)
        .put("connections", connections)
        .put("connectFailures", connectFailures)
        .put("connectRate", round(connectRate))
        .put("sent", sent)
        .put("delivered", delivered)
        .put("lost", lost)
        .put("duplicated", duplicated)
        .put("outOfOrder", outOfOrder)
        .put("errors", errors)
        .put("durationSeconds", round(durationSeconds))
        .put("msgsPerSecIn", round(msgsPerSecIn))
        .put("msgsPerSecOut", round(msgsPerSecOut))
        .put("latencyMs", Latency.percentilesMs(histograms.get("latencyMs")));
    histograms.forEach((k, h) -> {
      if (!k.equals("latencyMs")) {
        j.put(k, Latency.percentilesMs(h));
      }
    });
    j.put("bytesPerConnection", bytesPerConnection)
        .put("heapBytesPerConnection", heapBytesPerConnection)
        .put("brokerRssBefore", brokerRssBefore)
        .put("brokerRssAfter", brokerRssAfter)
        .put("brokerHeapBefore", brokerHeapBefore)
        .put("brokerHeapAfter", brokerHeapAfter)
        .put("cpuSecondsLoadgen", round(cpuSecondsLoadgen))
        .put("cpuSecondsBroker", round(cpuSecondsBroker))
        .put("expectedPerSent", expectedPerSent)
        .put("windowStartNanos", windowStartNanos)
        .put("windowEndNanos", windowEndNanos)
        .put("skipped", skipped)
        .put("skipReason", skipReason)
        .put("lastError", lastError);
    JsonObject ex = new JsonObject();
    extra.forEach(ex::put);
    j.put("extra", ex);
    JsonObject hs = new JsonObject();
    histograms.forEach((k, h) -> hs.put(k, Latency.encode(h)));
    j.put("histograms", hs);
    return j;
  }

  public static Result fromJson(JsonObject j) {
    Result r = new Result();
    r.scenario = j.getString("scenario");
    r.broker = j.getString("broker");
    r.workers = j.getInteger("workers", 1);
    r.connections = j.getLong("connections");
    r.connectFailures = j.getLong("connectFailures");
    r.connectRate = j.getDouble("connectRate");
    r.sent = j.getLong("sent");
    r.delivered = j.getLong("delivered");
    r.lost = j.getLong("lost");
    r.duplicated = j.getLong("duplicated");
    r.outOfOrder = j.getLong("outOfOrder");
    r.errors = j.getLong("errors");
    r.durationSeconds = j.getDouble("durationSeconds");
    r.msgsPerSecIn = j.getDouble("msgsPerSecIn");
    r.msgsPerSecOut = j.getDouble("msgsPerSecOut");
    r.bytesPerConnection = j.getDouble("bytesPerConnection");
    r.heapBytesPerConnection = j.getDouble("heapBytesPerConnection");
    r.brokerRssBefore = j.getLong("brokerRssBefore");
    r.brokerRssAfter = j.getLong("brokerRssAfter");
    r.brokerHeapBefore = j.getLong("brokerHeapBefore");
    r.brokerHeapAfter = j.getLong("brokerHeapAfter");
    r.cpuSecondsLoadgen = j.getDouble("cpuSecondsLoadgen");
    r.cpuSecondsBroker = j.getDouble("cpuSecondsBroker");
    r.expectedPerSent = j.getDouble("expectedPerSent");
    r.windowStartNanos = j.getLong("windowStartNanos");
    r.windowEndNanos = j.getLong("windowEndNanos");
    r.skipped = j.getBoolean("skipped", false);
    r.skipReason = j.getString("skipReason");
    r.lastError = j.getString("lastError");
    JsonObject ex = j.getJsonObject("extra", new JsonObject());
    ex.forEach(e -> r.extra.put(e.getKey(), ((Number) e.getValue()).longValue()));
    JsonObject hs = j.getJsonObject("histograms", new JsonObject());
    hs.forEach(e -> r.histograms.put(e.getKey(), Latency.decode((String) e.getValue())));
    return r;
  }

  private static Long add(Long a, Long b) {
    return a == null ? b : b == null ? a : Long.valueOf(a + b);
  }

  private static Double add(Double a, Double b) {
    return a == null ? b : b == null ? a : Double.valueOf(a + b);
  }

  private static Double max(Double a, Double b) {
    return a == null ? b : b == null ? a : Double.valueOf(Math.max(a, b));
  }

  private static Double round(Double d) {
    return d == null ? null : Math.round(d * 100) / 100.0;
  }
}
