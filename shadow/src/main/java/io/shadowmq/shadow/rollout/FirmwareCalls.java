package io.shadowmq.shadow.rollout;

import io.shadowmq.shadow.port.MethodResult;
import io.vertx.core.Future;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Method mode of one engine: the {@code firmwareUpdate} calls. A device that is offline, or does
 * not answer, is called again at each sweep until it answers; an answer of 300 or more fails its
 * execution. Used on the engine's context only.
 */
final class FirmwareCalls {
  private final RolloutEngine engine;
  /** Devices whose call did not get through yet. */
  private final Set<String> pending = new HashSet<>();

  FirmwareCalls(RolloutEngine engine) {
    this.engine = engine;
  }

  void call(String device, Instant expires) {
    pending.remove(device);
    engine.parts.delivery().invoke(engine.release, device, expires)
        .onComplete(ar -> engine.steps.run(() -> called(device, ar.result())));
  }

  /** Calls again every device that has not answered yet. */
  void callAgain(Instant expires) {
    for (String d : List.copyOf(pending)) {
      call(d, expires);
    }
  }

  /** The device's execution ended: no more calls. */
  void forget(String device) {
    pending.remove(device);
  }

  private Future<Void> called(String device, MethodResult result) {
    if (result.outcome() != MethodResult.Outcome.ANSWERED) {
      pending.add(device); // offline or silent: called again by the sweep until it answers
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
