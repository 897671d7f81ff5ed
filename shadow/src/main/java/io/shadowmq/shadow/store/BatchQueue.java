package io.shadowmq.shadow.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Requests submitted from any thread, sent to PostgreSQL in batches, one batch in flight at a time:
 * everything that arrives while a batch runs goes into the next one. Under light load a request
 * goes out alone and at once; under heavy load round trips are shared by many requests. Each
 * request's future completes with its own result, on the submitter's Vert.x context when it has one.
 * The queue is bounded: past it, requests fail at once with {@link StorageBusyException}.
 *
 * <p>The engine behind {@link GroupCommitWriter} (writes, committed per batch) and of batched reads.
 *
 * @param <T> one request, as the batch function takes it
 * @param <R> its result
 */
public final class BatchQueue<T, R> {
  private static final Logger LOG = LoggerFactory.getLogger(BatchQueue.class);
  /** Runs one batch in one round trip; the results come in the batch's order (null: every result is null). */
  @FunctionalInterface
  public interface Run<T, R> {
    Future<List<R>> run(List<T> batch);
  }

  /** What the owner counts. */
  public interface Observer {
    /** Counts nothing. */
    Observer NONE = new Observer() {
      @Override
      public void refused() {
      }

      @Override
      public void ran(int size, long nanos, boolean failed) {
      }
    };

    void refused();

    void ran(int size, long nanos, boolean failed);
  }

  private record Pending<T, R>(T item, Promise<R> promise, Context caller) {
  }

  private final Run<T, R> run;
  private final int capacity;
  private final int maxBatch;
  private final Context context;
  private final Observer observer;
  private final Supplier<StorageBusyException> busy;
  private final ConcurrentLinkedQueue<Pending<T, R>> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean();

  /**
   * @param capacity requests waiting at most, before new ones are refused with {@code busy}
   * @param maxBatch requests in one batch at most
   */
  public BatchQueue(Vertx vertx, Run<T, R> run, int capacity, int maxBatch, Observer observer,
                    Supplier<StorageBusyException> busy) {
    this.run = run;
    this.capacity = capacity;
    this.maxBatch = maxBatch;
    this.context = vertx.getOrCreateContext();
    this.observer = observer;
    this.busy = busy;
  }

  public Future<R> submit(T item) {
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      observer.refused();
      return Future.failedFuture(busy.get());
    }
    Promise<R> promise = Promise.promise();
    queue.add(new Pending<>(item, promise, Vertx.currentContext()));
    if (running.compareAndSet(false, true)) {
      context.runOnContext(v -> runBatch());
    }
    return promise.future();
  }

  /** Requests waiting now (an atomic counter, readable from any thread: a gauge's source). */
  public AtomicInteger queued() {
    return queued;
  }

  private void runBatch() {
    List<Pending<T, R>> batch = new ArrayList<>(Math.min(maxBatch, Math.max(1, queued.get())));
    Pending<T, R> p;
    while (batch.size() < maxBatch && (p = queue.poll()) != null) {
      batch.add(p);
    }
    if (batch.isEmpty()) {
      running.set(false);
      // A request may have been queued after the poll and before running was cleared.
      if (!queue.isEmpty() && running.compareAndSet(false, true)) {
        runBatch();
      }
      return;
    }
    queued.addAndGet(-batch.size());
    List<T> items = new ArrayList<>(batch.size());
    for (Pending<T, R> b : batch) {
      items.add(b.item());
    }
    long start = System.nanoTime();
    Future<List<R>> result;
    try {
      result = run.run(items);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      try {
        observer.ran(batch.size(), System.nanoTime() - start, ar.failed());
        complete(batch, ar.succeeded() ? ar.result() : null, ar.cause());
      } finally {
        runBatch(); // whatever a caller's handler did, the queue goes on
      }
    });
  }

  private void complete(List<Pending<T, R>> batch, List<R> results, Throwable failure) {
    for (int i = 0; i < batch.size(); i++) {
      Pending<T, R> b = batch.get(i);
      R value = results == null || i >= results.size() ? null : results.get(i);
      Runnable complete = () -> {
        if (failure != null) {
          b.promise().tryFail(failure);
        } else {
          b.promise().tryComplete(value);
        }
      };
      if (b.caller() == null || b.caller() == context) {
        try {
          complete.run();
        } catch (RuntimeException e) {
          LOG.warn("a storage request's handler failed: {}", e.toString());
        }
      } else {
        b.caller().runOnContext(v -> complete.run());
      }
    }
  }
}
