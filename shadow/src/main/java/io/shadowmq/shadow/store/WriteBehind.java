package io.shadowmq.shadow.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes behind: the latest value per key, kept in memory and written to PostgreSQL at most
 * {@code intervalMillis} later, in batches. A key changed several times between two flushes is
 * written once, and a key written and deleted in between is not written at all. Safe to call from
 * any thread. Bounded: past {@code capacity} pending keys a change is refused (counted and logged),
 * and the caller keeps working without it.
 *
 * @param <K> the row's key
 * @param <V> the row; a null value means "delete the row"
 */
public final class WriteBehind<K, V> {
  private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);

  /** Writes one flush's changes: upserts and deletes, in one transaction. */
  @FunctionalInterface
  public interface Flush<K, V> {
    Future<Void> write(List<Map.Entry<K, V>> upserts, List<K> deletes);
  }

  /** A pending change; identity matters: a flush removes exactly what it wrote. notYetWritten: the row is not in the database. */
  private record Change<V>(V value, boolean delete, boolean notYetWritten) {
  }

  private final String name;
  private final Flush<K, V> flush;
  private final int capacity;
  private final int maxBatch;
  private final ConcurrentHashMap<K, Change<V>> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean flushing = new AtomicBoolean();
  private volatile Future<Void> inProgress;
  private final Counter refused;
  private final Counter failures;
  private final io.micrometer.core.instrument.DistributionSummary batchSize;
  private final io.micrometer.core.instrument.Timer commitLatency;
  private volatile boolean lastFlushFailed;
  private final long timerId;
  private final Vertx vertx;

  public WriteBehind(Vertx vertx, String name, Flush<K, V> flush, int capacity, int maxBatch, long intervalMillis,
                     MeterRegistry registry) {
    this.vertx = vertx;
    this.name = name;
    this.flush = flush;
    this.capacity = capacity;
    this.maxBatch = maxBatch;
    this.refused = Counter.builder("shadowmq.storage.writes.rejected").tag("writer", name)
        .description("Writes refused because the storage queue was full").register(registry);
    this.failures = Counter.builder("shadowmq.storage.flush.failures").tag("writer", name)
        .description("Write-behind flushes that failed and will be retried").register(registry);
    this.batchSize = io.micrometer.core.instrument.DistributionSummary.builder("shadowmq.storage.batch.size")
        .tag("writer", name).description("Writes per committed batch").publishPercentiles(0.5, 0.99).register(registry);
    this.commitLatency = io.micrometer.core.instrument.Timer.builder("shadowmq.storage.commit.latency")
        .tag("writer", name).description("Time from a batch's start to its commit").publishPercentiles(0.5, 0.99)
        .register(registry);
    Gauge.builder("shadowmq.storage.queue", pending, Map::size).tag("writer", name)
        .description("Writes waiting to be committed").register(registry);
    this.timerId = vertx.setPeriodic(intervalMillis, id -> flush());
  }

  /**
   * Records the row's new value. {@code inserted} says the row is new (not in the database), so that
   * deleting it before the next flush can skip the database altogether.
   *
   * @return false when the change was refused because too many changes are pending
   */
  public boolean put(K key, V value, boolean inserted) {
    if (pending.size() >= capacity && !pending.containsKey(key)) {
      refuse(key);
      return false;
    }
    pending.compute(key, (k, old) -> new Change<>(value, false, old == null ? inserted : old.notYetWritten()));
    return true;
  }

  /**
   * Like {@link #put}, but combines the new value with a value still pending for the key (null when
   * none is pending, or a delete is): for rows whose value remembers what came before it.
   */
  public boolean merge(K key, V value, boolean inserted, java.util.function.BinaryOperator<V> merger) {
    if (pending.size() >= capacity && !pending.containsKey(key)) {
      refuse(key);
      return false;
    }
    pending.compute(key, (k, old) -> new Change<>(old == null || old.delete() ? merger.apply(null, value)
        : merger.apply(old.value(), value), false, old == null ? inserted : old.notYetWritten()));
    return true;
  }

  /** Records that the row is gone. A row never written (inserted since the last flush) costs no write. */
  public boolean delete(K key) {
    if (pending.size() >= capacity && !pending.containsKey(key)) {
      refuse(key);
      return false;
    }
    pending.compute(key, (k, old) -> new Change<>(null, true, old != null && old.notYetWritten()));
    return true;
  }

  private void refuse(K key) {
    refused.increment();
    LOG.warn("storage queue '{}' is full ({} pending changes): change to {} not stored", name, capacity, key);
  }

  public int pendingCount() {
    return pending.size();
  }

  /** True while the last flush failed (the database is unreachable); for readiness. */
  public boolean isFailing() {
    return lastFlushFailed;
  }

  /** Writes what is pending now; completes when it is committed. One flush runs at a time. */
  public Future<Void> flush() {
    if (!flushing.compareAndSet(false, true)) {
      Future<Void> running = inProgress;
      return running == null ? Future.succeededFuture() : running; // wait for the flush that runs
    }
    if (pending.isEmpty()) {
      flushing.set(false);
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    inProgress = done.future();
    List<Map.Entry<K, V>> upserts = new ArrayList<>();
    List<K> deletes = new ArrayList<>();
    List<Map.Entry<K, Change<V>>> taken = new ArrayList<>();
    for (Map.Entry<K, Change<V>> e : pending.entrySet()) {
      if (taken.size() >= maxBatch) {
        break;
      }
      taken.add(Map.entry(e.getKey(), e.getValue()));
      if (e.getValue().delete()) {
        if (!e.getValue().notYetWritten()) {
          deletes.add(e.getKey()); // a row inserted and deleted between two flushes was never written
        }
      } else {
        upserts.add(Map.entry(e.getKey(), e.getValue().value()));
      }
    }
    Future<Void> written;
    try {
      written = flush.write(upserts, deletes);
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    long started = System.nanoTime();
    written.andThen(ar -> {
      if (ar.succeeded()) {
        commitLatency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        batchSize.record(taken.size());
        for (Map.Entry<K, Change<V>> e : taken) {
          // Keep a change made while this flush ran; it goes in the next one (now as an update).
          if (!pending.remove(e.getKey(), e.getValue())) {
            pending.computeIfPresent(e.getKey(), (k, c) -> new Change<>(c.value(), c.delete(), false));
          }
        }
        if (lastFlushFailed) {
          LOG.info("storage '{}' is writing again", name);
        }
        lastFlushFailed = false;
      } else {
        failures.increment();
        if (!lastFlushFailed) {
          LOG.error("storage '{}' cannot write ({} changes pending, kept for retry): {}", name, pending.size(),
              ar.cause().toString());
        }
        lastFlushFailed = true;
      }
      flushing.set(false);
    }).transform(ar -> ar.succeeded() && pending.size() > 0 && taken.size() >= maxBatch ? flush()
        : ar.succeeded() ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(ar.cause()))
        .onComplete(done);
    return done.future();
  }

  /** Flushes until nothing is pending (shutdown); gives up after the timeout. */
  public Future<Void> drain() {
    vertx.cancelTimer(timerId);
    return drainLoop(0);
  }

  private Future<Void> drainLoop(int round) {
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    if (round > 1000) {
      return Future.failedFuture(name + ": pending changes did not drain");
    }
    return flush().compose(v -> drainLoop(round + 1));
  }
}
