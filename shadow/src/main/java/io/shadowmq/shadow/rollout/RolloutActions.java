package io.shadowmq.shadow.rollout;

import io.shadowmq.shadow.firmware.Release;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What operators (and the failure threshold) do to a running rollout: pause, resume, approve,
 * abort, cancel, roll back, cancel one device, retry the failed. Each runs as one of the engine's
 * steps, stores its effect, then tells the devices concerned.
 */
final class RolloutActions {
  /** An action that does not fit the rollout's state (the API answers 409). */
  static final class NotAllowed extends IllegalStateException {
    NotAllowed(String message) {
      super(message);
    }
  }

  private final RolloutEngine engine;

  RolloutActions(RolloutEngine engine) {
    this.engine = engine;
  }

  Future<Void> pause() {
    return engine.steps.run(() -> {
      require(RolloutState.RUNNING, RolloutState.SCHEDULED);
      return engine.setState(RolloutState.PAUSED, "paused by an operator");
    });
  }

  /** Resumes a paused rollout; a wave held at its success gate is let through. */
  Future<Void> resume() {
    return engine.steps.run(() -> {
      require(RolloutState.PAUSED);
      return engine.save(engine.rollout.withGateOverride(engine.rollout.currentWave()))
          .compose(v -> engine.setState(RolloutState.RUNNING, null)).onSuccess(v -> engine.requestAdvance());
    });
  }

  Future<Void> approve() {
    return engine.steps.run(() -> {
      require(RolloutState.WAITING_APPROVAL);
      Instant at = engine.rollout.spec().startAt();
      return engine.setState(at != null && Instant.now().isBefore(at) ? RolloutState.SCHEDULED : RolloutState.RUNNING,
          null).onSuccess(v -> engine.requestAdvance());
    });
  }

  /** Stops notifying: queued executions are canceled; those in flight are still followed to their end. */
  Future<Void> abort(String reason) {
    return engine.setState(RolloutState.ABORTED, reason)
        .compose(v -> engine.parts.executions().moveAll(engine.id(), ExecutionState.QUEUED, ExecutionState.CANCELED,
            Transition.error("ABORTED", reason)))
        .compose(n -> engine.ledger.reload()).onSuccess(v -> engine.requestAdvance());
  }

  /**
   * Cancels: queued executions are released, notified ones canceled and their desired firmware
   * cleared; those in progress finish (and are followed) or, with {@code revert}, are canceled and
   * told to go back to their previous version.
   */
  Future<Void> cancel(boolean revert) {
    return engine.steps.run(() -> {
      require(RolloutState.SCHEDULED, RolloutState.WAITING_APPROVAL, RolloutState.RUNNING, RolloutState.PAUSED);
      JsonObject why = Transition.error("CANCELED", "the rollout was canceled");
      return engine.setState(RolloutState.CANCELED, "canceled by an operator")
          .compose(v -> engine.parts.executions().moveAll(engine.id(), ExecutionState.QUEUED, ExecutionState.CANCELED, why))
          .compose(n -> stopInState(ExecutionState.NOTIFIED, null, why))
          .compose(v -> revert ? engine.parts.releases().all()
              .compose(releases -> stopInState(ExecutionState.IN_PROGRESS, releases, why)) : Future.succeededFuture())
          .compose(v -> engine.ledger.reload()).onSuccess(v -> engine.requestAdvance());
    });
  }

  /**
   * Executions in {@code state} become CANCELED a page at a time; their devices are cleared, or
   * reverted to their previous version when {@code revertTo} (every release) is given.
   */
  private Future<Void> stopInState(ExecutionState state, List<Release> revertTo, JsonObject why) {
    return engine.parts.executions().inState(engine.id(), state, null, engine.parts.settings().pageSize())
        .compose(page -> {
          List<Transition> changes = new ArrayList<>(page.size());
          for (ExecutionStorePg.Picked p : page) {
            changes.add(new Transition(engine.id(), p.deviceId(), state, ExecutionState.CANCELED, p.wave(), p.attempt(),
                why, null));
            engine.calls.forget(p.deviceId());
          }
          Future<Void> told = revertTo != null ? revertWith(page, revertTo) : clearAll(page);
          return engine.ledger.write(changes).compose(v -> told)
              .compose(v -> page.size() < engine.parts.settings().pageSize() ? Future.succeededFuture()
                  : stopInState(state, revertTo, why));
        });
  }

  /**
   * Rolls back: nothing more is notified, executions not finished are canceled, and every device
   * the rollout touched is told to go back to the version it reported before.
   */
  Future<Void> rollback(String reason) {
    JsonObject why = Transition.error("ROLLED_BACK", reason);
    return engine.setState(RolloutState.ROLLED_BACK, reason)
        .compose(v -> engine.parts.executions().moveAll(engine.id(), ExecutionState.QUEUED, ExecutionState.CANCELED, why))
        .compose(n -> engine.parts.executions().moveAll(engine.id(), ExecutionState.NOTIFIED, ExecutionState.CANCELED, why))
        .compose(n -> engine.parts.executions().moveAll(engine.id(), ExecutionState.IN_PROGRESS, ExecutionState.CANCELED, why))
        .compose(n -> engine.ledger.reload())
        .compose(v -> engine.parts.releases().all())
        .compose(releases -> revertTouched(releases, null))
        .onSuccess(v -> engine.requestAdvance());
  }

  Future<Void> rollbackNow() {
    return engine.steps.run(() -> {
      require(RolloutState.RUNNING, RolloutState.PAUSED, RolloutState.COMPLETED, RolloutState.ABORTED);
      return rollback("rolled back by an operator");
    });
  }

  private Future<Void> revertTouched(List<Release> releases, String after) {
    int pageSize = engine.parts.settings().pageSize();
    return engine.parts.executions().touched(engine.id(), after, pageSize).compose(page -> {
      Future<Void> told = revertWith(page, releases);
      return told.compose(v -> page.size() < pageSize ? Future.succeededFuture()
          : revertTouched(releases, page.get(page.size() - 1).deviceId()));
    });
  }

  /** Desired firmware back to each device's previous version, with that release's artifacts when there is one. */
  private Future<Void> revertWith(List<ExecutionStorePg.Picked> page, List<Release> releases) {
    Map<String, Release> byVersion = new HashMap<>();
    for (Release r : releases) {
      byVersion.putIfAbsent(r.version(), r);
    }
    Instant expires = Instant.now().plusSeconds(engine.rollout.spec().timeouts().deadlineSeconds()
        + (long) engine.parts.settings().linkMarginSeconds());
    List<Future<Boolean>> writes = new ArrayList<>(page.size());
    for (ExecutionStorePg.Picked p : page) {
      if (p.previousVersion() == null) {
        writes.add(engine.parts.delivery().clear(p.deviceId()));
        continue;
      }
      Release previous = byVersion.get(p.previousVersion());
      writes.add(previous != null ? engine.parts.delivery().desire(previous, engine.id(), p.deviceId(), expires)
          : engine.parts.delivery().desire(p.deviceId(), new JsonObject().put("version", p.previousVersion())
              .put("rolloutId", engine.id()).putNull("artifacts")));
    }
    return Future.join(writes).mapEmpty();
  }

  private Future<Void> clearAll(List<ExecutionStorePg.Picked> page) {
    List<Future<Boolean>> writes = new ArrayList<>(page.size());
    for (ExecutionStorePg.Picked p : page) {
      writes.add(engine.parts.delivery().clear(p.deviceId()));
    }
    return Future.join(writes).mapEmpty();
  }

  /** Cancels one device's execution; its desired firmware is cleared when it had been told. */
  Future<Execution> cancelDevice(String device) {
    return engine.steps.run(() -> engine.parts.executions().find(engine.id(), List.of(device)).compose(found -> {
      Execution x = found.get(device);
      if (x == null) {
        return Future.succeededFuture(null);
      }
      if (x.state().terminal()) {
        return Future.failedFuture(new NotAllowed("the execution of " + device + " is " + x.state() + " already"));
      }
      Transition t = engine.move(x, ExecutionState.CANCELED, Transition.error("CANCELED", "canceled by an operator"), null);
      engine.calls.forget(device);
      Future<Boolean> told = x.state() == ExecutionState.QUEUED && x.wave() < 0 ? Future.succeededFuture(true)
          : engine.parts.delivery().clear(device);
      return engine.afterTransitions(List.of(t)).compose(v -> told)
          .compose(v -> engine.parts.executions().find(engine.id(), List.of(device))).map(m -> m.get(device));
    }));
  }

  /** Failed and timed-out executions are queued again (a completed rollout runs again for them). */
  Future<Void> retryFailed() {
    return engine.steps.run(() -> {
      require(RolloutState.RUNNING, RolloutState.PAUSED, RolloutState.COMPLETED);
      JsonObject none = null;
      return engine.parts.executions().moveAll(engine.id(), ExecutionState.FAILED, ExecutionState.QUEUED, none)
          .compose(n -> engine.parts.executions().moveAll(engine.id(), ExecutionState.TIMED_OUT, ExecutionState.QUEUED, none))
          .compose(n -> engine.ledger.reload())
          .compose(v -> engine.rollout.state() == RolloutState.COMPLETED
              ? engine.setState(RolloutState.RUNNING, null) : Future.succeededFuture())
          .onSuccess(v -> engine.requestAdvance());
    });
  }

  private void require(RolloutState... allowed) {
    for (RolloutState s : allowed) {
      if (engine.rollout.state() == s) {
        return;
      }
    }
    throw new NotAllowed("not possible while the rollout is " + engine.rollout.state());
  }
}
