package io.shadowmq.shadow.rollout;

import io.shadowmq.shadow.port.MethodResult;
import io.vertx.core.Future;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Method mode of one engine: the {@code firmwareUpdate} calls. A device that is offline, or does
 * not answer, is called again from the sweep, after 1 s, then 2, 4, ... up to 30 s between calls,
 * until it answers; an answer of 300 or more fails its execution. Used on the engine's context only.
 */
final class FirmwareCalls {
  private static final long FIRST_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long LONGEST_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** A device whose call did not get through yet: when to call it again, and how long the last wait was. */
  private record Waiting(long dueNanos, long waitNanos) {
  }

  private final RolloutEngine engine;
  private final Map<String, Waiting> pending = new HashMap<>();
  /** Calls under way, by device, whose execution has not ended: only those devices are called again. */
  private final Map<String, Integer> calling = new HashMap<>();

  FirmwareCalls(RolloutEngine engine) {
    this.engine = engine;
  }

  void call(String device, Instant expires) {
    Waiting before = pending.remove(device);
    calling.merge(device, 1, Integer::sum);
    engine.parts.delivery().invoke(engine.release, device, expires)
        .onComplete(ar -> engine.steps.run(() -> called(device, ar.result(), before)));
  }

  /** Calls again every device that has not answered yet and whose wait is over. */
  void callAgain(Instant expires) {
    long now = System.nanoTime();
    List<String> due = new ArrayList<>();
    pending.forEach((device, w) -> {
      if (now - w.dueNanos() >= 0) {
        due.add(device);
      }
    });
    for (String d : due) {
      call(d, expires);
    }
  }

  /** The device's execution ended: no more calls. */
  void forget(String device) {
    pending.remove(device);
    calling.remove(device);
  }

  private Future<Void> called(String device, MethodResult result, Waiting before) {
    boolean wasCalling = calling.containsKey(device);
    calling.computeIfPresent(device, (d, n) -> n > 1 ? n - 1 : null);
    if (!wasCalling || engine.stopped()) {
      return Future.succeededFuture(); // its execution ended while the call was under way
    }
    if (result.outcome() != MethodResult.Outcome.ANSWERED) {
      // Offline or silent: called again by the sweep until it answers, less often the longer it is away.
      long wait = before == null ? FIRST_WAIT_NANOS : Math.min(LONGEST_WAIT_NANOS, before.waitNanos() * 2);
      pending.put(device, new Waiting(System.nanoTime() + wait, wait));
      return Future.succeededFuture();
    }
    if (result.status() < 300) {
      return Future.succeededFuture();
    }
    return engine.parts.executions().find(engine.id(), List.of(device)).compose(found -> {
      Execution x = found.get(device);
      if (x == null || !x.state().inFlight()) {
        return Future.succeededFuture();
      }
      return engine.afterTransitions(List.of(engine.failure(x, ExecutionState.FAILED, Transition.error(
          "METHOD_REJECTED", FirmwareDelivery.METHOD + " answered status " + result.status()))));
    });
  }
}
