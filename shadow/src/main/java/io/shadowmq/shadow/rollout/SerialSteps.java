package io.shadowmq.shadow.rollout;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Runs asynchronous steps one after another: a step starts when the previous one's future has
 * completed. Used on one context only, so it needs no lock; it keeps one engine's database reads
 * and writes from interleaving.
 */
final class SerialSteps {
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private boolean busy;

  <T> Future<T> run(Supplier<Future<T>> step) {
    Promise<T> promise = Promise.promise();
    Runnable task = () -> {
      Future<T> f;
      try {
        f = step.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        promise.handle(ar);
        Runnable next = waiting.poll();
        if (next != null) {
          next.run();
        } else {
          busy = false;
        }
      });
    };
    if (busy) {
      waiting.add(task);
    } else {
      busy = true;
      task.run();
    }
    return promise.future();
  }
}
