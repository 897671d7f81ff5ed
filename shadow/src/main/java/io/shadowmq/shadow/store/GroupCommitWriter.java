package io.shadowmq.shadow.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.concurrent.TimeUnit;
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

  private final BatchQueue<T, Void> queue;

  /**
   * @param name     the writer's name, a tag of its meters ({@code shadowmq_storage_batch_size{writer=...}})
   * @param capacity writes waiting at most, before new ones are refused
   * @param maxBatch writes in one batch at most
   */
  public GroupCommitWriter(Vertx vertx, String name, BatchCommit<T> commit, int capacity, int maxBatch,
                           MeterRegistry registry) {
    DistributionSummary batchSize = DistributionSummary.builder("shadowmq.storage.batch.size").tag("writer", name)
        .description("Writes per committed batch").publishPercentiles(0.5, 0.99).register(registry);
    Timer commitLatency = Timer.builder("shadowmq.storage.commit.latency").tag("writer", name)
        .description("Time from a batch's start to its commit").publishPercentiles(0.5, 0.99).register(registry);
    Counter rejected = Counter.builder("shadowmq.storage.writes.rejected").tag("writer", name)
        .description("Writes refused because the storage queue was full").register(registry);
    Counter failed = Counter.builder("shadowmq.storage.writes.failed").tag("writer", name)
        .description("Writes whose batch failed to commit").register(registry);
    BatchQueue.Observer observer = new BatchQueue.Observer() {
      @Override
      public void refused() {
        rejected.increment();
      }

      @Override
      public void ran(int size, long nanos, boolean batchFailed) {
        commitLatency.record(nanos, TimeUnit.NANOSECONDS);
        batchSize.record(size);
        if (batchFailed) {
          failed.increment(size);
        }
      }
    };
    this.queue = new BatchQueue<>(vertx, batch -> commit.commit(batch).map(v -> null), capacity, maxBatch, observer,
        () -> new StorageBusyException("storage queue '" + name + "' is full (" + capacity
            + " writes waiting): the database is unreachable or slower than the load"));
    Gauge.builder("shadowmq.storage.queue", queue.queued(), AtomicInteger::get).tag("writer", name)
        .description("Writes waiting to be committed").register(registry);
  }

  /** Queues a write; the future completes once it is committed, or fails (busy, or the batch failed). */
  public Future<Void> submit(T item) {
    return queue.submit(item);
  }

  /** Writes waiting now. */
  public int queued() {
    return queue.queued().get();
  }
}
