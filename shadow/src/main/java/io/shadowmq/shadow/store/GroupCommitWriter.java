package io.shadowmq.shadow.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group commit: writes submitted from any thread are sent to PostgreSQL in batches, one batch in
 * flight at a time; everything that arrives while a batch commits goes into the next one. Each
 * write's future completes when the transaction that holds it has committed (on the submitter's
 * Vert.x context when it has one), so "accepted" can mean "committed". The queue is bounded: past
 * it, writes fail at once with {@link StorageBusyException}, and the caller says so to its client.
 *
 * @param <T> one write, as the batch function takes it
 */
public final class GroupCommitWriter<T> {
  /** Writes one batch in one round trip (a multi-row statement or a pipelined batch in one transaction). */
  @FunctionalInterface
  public interface BatchCommit<T> {
    Future<Void> commit(List<T> batch);
  }

  private record Pending<T>(T item, Promise<Void> promise, Context caller) {
  }

  private final String name;
  private final BatchCommit<T> commit;
  private final int capacity;
  private final int maxBatch;
  private final Context context;
  private final ConcurrentLinkedQueue<Pending<T>> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean();
  private final DistributionSummary batchSize;
  private final Timer commitLatency;
  private final Counter rejected;
  private final Counter failed;

  /**
   * @param name     the writer's name, a tag of its meters ({@code shadowmq_storage_batch_size{writer=...}})
   * @param capacity writes waiting at most, before new ones are refused
   * @param maxBatch writes in one batch at most
   */
  public GroupCommitWriter(Vertx vertx, String name, BatchCommit<T> commit, int capacity, int maxBatch,
                           MeterRegistry registry) {
    this.name = name;
    this.commit = commit;
    this.capacity = capacity;
    this.maxBatch = maxBatch;
    this.context = vertx.getOrCreateContext();
    this.batchSize = DistributionSummary.builder("shadowmq.storage.batch.size").tag("writer", name)
        .description("Writes per committed batch").publishPercentiles(0.5, 0.99).register(registry);
    this.commitLatency = Timer.builder("shadowmq.storage.commit.latency").tag("writer", name)
        .description("Time from a batch's start to its commit").publishPercentiles(0.5, 0.99).register(registry);
    this.rejected = Counter.builder("shadowmq.storage.writes.rejected").tag("writer", name)
        .description("Writes refused because the storage queue was full").register(registry);
    this.failed = Counter.builder("shadowmq.storage.writes.failed").tag("writer", name)
        .description("Writes whose batch failed to commit").register(registry);
    Gauge.builder("shadowmq.storage.queue", queued, AtomicInteger::get).tag("writer", name)
        .description("Writes waiting to be committed").register(registry);
  }

  /** Queues a write; the future completes once it is committed, or fails (busy, or the batch failed). */
  public Future<Void> submit(T item) {
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      rejected.increment();
      return Future.failedFuture(new StorageBusyException("storage queue '" + name + "' is full (" + capacity
          + " writes waiting): the database is unreachable or slower than the load"));
    }
    Promise<Void> promise = Promise.promise();
    queue.add(new Pending<>(item, promise, Vertx.currentContext()));
    if (running.compareAndSet(false, true)) {
      context.runOnContext(v -> runBatch());
    }
    return promise.future();
  }

  /** Writes waiting now. */
  public int queued() {
    return queued.get();
  }

  private void runBatch() {
    List<Pending<T>> batch = new ArrayList<>(Math.min(maxBatch, Math.max(1, queued.get())));
    Pending<T> p;
    while (batch.size() < maxBatch && (p = queue.poll()) != null) {
      batch.add(p);
    }
    if (batch.isEmpty()) {
      running.set(false);
      // A write may have been queued after the poll and before running was cleared.
      if (!queue.isEmpty() && running.compareAndSet(false, true)) {
        runBatch();
      }
      return;
    }
    queued.addAndGet(-batch.size());
    List<T> items = new ArrayList<>(batch.size());
    for (Pending<T> b : batch) {
      items.add(b.item());
    }
    long start = System.nanoTime();
    Future<Void> result;
    try {
      result = commit.commit(items);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      commitLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      batchSize.record(batch.size());
      if (ar.failed()) {
        failed.increment(batch.size());
      }
      for (Pending<T> b : batch) {
        if (b.caller() == null || b.caller() == context) {
          b.promise().handle(ar);
        } else {
          b.caller().runOnContext(v -> b.promise().handle(ar));
        }
      }
      runBatch();
    });
  }
}
