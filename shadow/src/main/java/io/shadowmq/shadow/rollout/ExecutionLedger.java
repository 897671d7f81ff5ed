package io.shadowmq.shadow.rollout;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * One engine's record of its executions: the aggregate counts, and every transition written in the
 * next group-commit batch, then counted and published as an event once committed. Used on the
 * engine's context only.
 */
final class ExecutionLedger {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutionLedger.class);
  private final String rolloutId;
  private final ExecutionStorePg store;
  private final RolloutEvents events;
  private ExecutionCounts counts = new ExecutionCounts();
  private volatile ExecutionCounts snapshot = new ExecutionCounts();
  private long transitions;

  private final Counter meter;

  ExecutionLedger(String rolloutId, ExecutionStorePg store, RolloutEvents events, Counter meter) {
    this.meter = meter;
    this.rolloutId = rolloutId;
    this.store = store;
    this.events = events;
  }

  ExecutionCounts counts() {
    return counts;
  }

  /** A copy for readers on other threads (the API, metrics), as of the last change. */
  ExecutionCounts snapshot() {
    return snapshot;
  }

  /** Transitions written so far by this engine. */
  long transitions() {
    return transitions;
  }

  /** Reads the counts again from the database (after bulk changes). */
  Future<Void> reload() {
    return store.counts(rolloutId).map(c -> {
      counts = c;
      snapshot = c.copy();
      return null;
    });
  }

  /** Writes the transitions (one batch with whatever else is pending), then counts and publishes them. */
  Future<Void> write(List<Transition> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> writes = new ArrayList<>(batch.size());
    for (Transition t : batch) {
      writes.add(store.apply(t));
    }
    return Future.join(writes).transform(ar -> {
      if (ar.failed()) {
        LOG.warn("rollout {}: writing {} transitions failed: {}", rolloutId, batch.size(), ar.cause().toString());
        return reload().eventually(() -> Future.<Void>failedFuture(ar.cause()));
      }
      for (Transition t : batch) {
        counts.move(t.wave(), t.from(), t.wave(), t.to()); // a transition keeps the execution's wave
        events.execution(t);
      }
      transitions += batch.size();
      meter.increment(batch.size());
      snapshot = counts.copy();
      return Future.succeededFuture();
    });
  }

  /** Executions the store marked NOTIFIED (already committed): {@code fresh} ones came from wave -1. */
  void notified(List<ExecutionStorePg.Picked> picked, boolean fresh) {
    for (ExecutionStorePg.Picked p : picked) {
      counts.move(fresh ? -1 : p.wave(), ExecutionState.QUEUED, p.wave(), ExecutionState.NOTIFIED);
      events.execution(new Transition(rolloutId, p.deviceId(), ExecutionState.QUEUED, ExecutionState.NOTIFIED, p.wave(),
          p.attempt(), null, null));
    }
    transitions += picked.size();
    meter.increment(picked.size());
    snapshot = counts.copy();
  }

  /** Executions a target scan created. */
  void scanned(int eligible, int skipped) {
    counts.add(-1, ExecutionState.QUEUED, eligible);
    counts.add(-1, ExecutionState.SKIPPED, skipped);
    snapshot = counts.copy();
  }
}
