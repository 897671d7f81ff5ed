package io.shadowmq.shadow.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Runs asynchronous steps one after another: a step starts when the previous one's future has
 * completed. Used on one context only, so it needs no lock: it keeps the operations on one shadow,
 * or one rollout engine's reads and writes, from interleaving. Steps that complete at once are run
 * in a loop, not from within each other: thousands of them queued (method calls to offline devices,
 * requests on a shadow being read) do not deepen the stack.
 */
public final class SerialSteps {
  private final ArrayDeque<Runnable> waiting;
  /** A step has started and its future has not completed. */
  private boolean busy;
  /** {@link #next} is on the stack: it starts the next step itself once the current one completes. */
  private boolean looping;

  public SerialSteps() {
    this(16);
  }

  /** @param expected steps expected to wait at once (the queue's first size: one per cached shadow adds up) */
  public SerialSteps(int expected) {
    waiting = new ArrayDeque<>(expected);
  }

  /** Whether no step runs or waits. */
  public boolean idle() {
    return !busy && waiting.isEmpty();
  }

  /** Runs {@code step} once every step queued before it has completed; its outcome. */
  public <T> Future<T> run(Supplier<Future<T>> step) {
    Promise<T> promise = Promise.promise();
    waiting.add(() -> {
      Future<T> f;
      try {
        f = step.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        promise.handle(ar);
        busy = false;
        next();
      });
    });
    if (!busy) {
      next();
    }
    return promise.future();
  }

  private void next() {
    if (looping) {
      return;
    }
    looping = true;
    try {
      while (!busy && !waiting.isEmpty()) {
        busy = true;
        waiting.poll().run();
      }
    } finally {
      looping = false;
    }
  }
}
