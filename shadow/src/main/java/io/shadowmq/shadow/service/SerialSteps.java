package io.shadowmq.shadow.rollout;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Runs asynchronous steps one after another: a step starts when the previous one's future has
 * completed. Used on one context only, so it needs no lock; it keeps one engine's database reads
 * and writes from interleaving. Steps that complete at once are run in a loop, not from within
 * each other: thousands of them queued (method calls to offline devices) do not deepen the stack.
 */
final class SerialSteps {
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  /** A step has started and its future has not completed. */
  private boolean busy;
  /** {@link #next} is on the stack: it starts the next step itself once the current one completes. */
  private boolean looping;

  <T> Future<T> run(Supplier<Future<T>> step) {
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
