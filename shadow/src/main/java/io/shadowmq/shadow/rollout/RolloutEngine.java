package io.shadowmq.shadow.rollout;

import io.shadowmq.shadow.firmware.Release;
import io.shadowmq.shadow.service.SerialSteps;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Drives one rollout: scans its target a page at a time, notifies the devices of the current wave
 * (never more in flight than the maximum), follows their reports, times out the silent ones,
 * retries, applies the failure threshold, holds each finished wave at its success gate and bake
 * time, and moves on to the next. Everything it decides is stored before it acts, so an engine
 * started after a restart continues where the last one stopped. Runs on one context; its steps run
 * one at a time ({@link SerialSteps}).
 */
final class RolloutEngine {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutEngine.class);

  /** What the engine tells the node's rollout service. */
  interface Host {
    /** The engine has nothing more to follow: release its lock. */
    void finished(RolloutEngine engine);

    /** A supersede canceled executions of these rollouts: their engines must count again. */
    void superseded(List<String> rolloutIds);

    /** The rollout changed state. */
    void stateChanged(Rollout rollout);
  }

  final EngineParts parts;
  private final Host host;
  final SerialSteps steps = new SerialSteps();
  final ExecutionLedger ledger;
  final RolloutActions actions;
  Rollout rollout;
  final Release release;
  private boolean advanceQueued;
  private boolean stopped;
  private long sweepTimer = -1;
  private long wakeTimer = -1;
  /** The target: its scan, and devices joining it (continuous rollouts). */
  final TargetScan targets = new TargetScan(this);
  /** The devices' reports. */
  final FirmwareReports reports = new FirmwareReports(this);
  /** Method mode: the firmwareUpdate calls. */
  final FirmwareCalls calls = new FirmwareCalls(this);

  RolloutEngine(EngineParts parts, Host host, Rollout rollout, Release release) {
    this.parts = parts;
    this.host = host;
    this.rollout = rollout;
    this.release = release;
    this.ledger = new ExecutionLedger(rollout.id(), parts.executions(), parts.events(), parts.transitions());
    this.actions = new RolloutActions(this);
  }

  String id() {
    return rollout.id();
  }

  /** Takes over: counts, tells the devices in flight again (with fresh links), then advances. */
  Future<Void> start() {
    sweepTimer = parts.vertx().setPeriodic(parts.settings().sweepMillis(), t -> sweep());
    return steps.run(() -> ledger.reload().compose(v -> renotify(null))).onSuccess(v -> requestAdvance());
  }

  private Future<Void> renotify(String after) {
    return parts.executions().inState(id(), ExecutionState.NOTIFIED, after, parts.settings().pageSize())
        .compose(page -> deliver(page).compose(v -> page.size() < parts.settings().pageSize() ? Future.succeededFuture()
            : renotify(page.get(page.size() - 1).deviceId())));
  }

  /**
   * Stops timers; the step in flight completes, and the engine's own steps queued behind it (advance,
   * reports, sweep, new devices) do nothing: after its lock is lost, another node may drive the
   * rollout. Actions an operator asked for still run (an idle engine acts under the lock only).
   */
  void stop() {
    stopped = true;
    parts.vertx().cancelTimer(sweepTimer);
    parts.vertx().cancelTimer(wakeTimer);
  }

  boolean stopped() {
    return stopped;
  }

  /** Writes transitions; failures among them may cross the threshold; then the waves move on. */
  Future<Void> afterTransitions(List<Transition> changes) {
    return ledger.write(changes).compose(v -> {
      Set<Integer> failedWaves = new TreeSet<>();
      for (Transition t : changes) {
        if (t.to().failure()) {
          failedWaves.add(t.wave());
        }
        if (t.to().terminal()) {
          calls.forget(t.deviceId());
        }
      }
      requestAdvance();
      return failedWaves.isEmpty() ? Future.succeededFuture() : checkThreshold(failedWaves);
    });
  }

  Transition move(Execution x, ExecutionState to, JsonObject error, Instant notBefore) {
    return new Transition(id(), x.deviceId(), x.state(), to, x.wave(), x.attempt(), error, notBefore);
  }

  /** A failed or timed-out execution: queued again after the backoff while it has retries left. */
  Transition failure(Execution x, ExecutionState final_, JsonObject error) {
    RolloutSpec.Retries retries = rollout.spec().retries();
    if (x.attempt() <= retries.max() && rollout.state() == RolloutState.RUNNING) {
      return move(x, ExecutionState.QUEUED, error, Instant.now().plusSeconds(retries.backoffSeconds()));
    }
    return move(x, final_, error, null);
  }

  private Future<Void> checkThreshold(Set<Integer> waves) {
    RolloutSpec.FailureThreshold ft = rollout.spec().failureThreshold();
    String reason = FailureThresholdCheck.crossed(ft, ledger.counts(), waves);
    if (reason == null || rollout.state() != RolloutState.RUNNING) {
      return Future.succeededFuture();
    }
    LOG.info("rollout {}: {}, {}", id(), reason, ft.action().word());
    return switch (ft.action()) {
      case PAUSE -> setState(RolloutState.PAUSED, reason);
      case ABORT -> actions.abort(reason);
      case ROLLBACK -> actions.rollback(reason);
    };
  }

  /** Asks for one more look at the waves (coalesced: at most one is queued). */
  void requestAdvance() {
    if (!advanceQueued && !stopped) {
      advanceQueued = true;
      steps.run(this::advance).onFailure(e -> LOG.warn("rollout {}: {}", id(), e.toString()));
    }
  }

  private Future<Void> advance() {
    advanceQueued = false;
    if (stopped) {
      return Future.succeededFuture();
    }
    Instant now = Instant.now();
    if (!rollout.scanDone() && rollout.state() != RolloutState.PAUSED && rollout.state().active()) {
      return targets.next().onSuccess(done -> requestAdvance()).mapEmpty();
    }
    if (rollout.state() == RolloutState.SCHEDULED) {
      Instant at = rollout.spec().startAt();
      if (at != null && now.isBefore(at)) {
        wakeAt(at);
        return Future.succeededFuture();
      }
      return setState(RolloutState.RUNNING, null).onSuccess(v -> requestAdvance());
    }
    if (rollout.state() != RolloutState.RUNNING) {
      if (!rollout.state().active() && ledger.counts().inFlight() == 0) {
        finish();
      }
      return Future.succeededFuture();
    }
    return waves(now);
  }

  private Future<Void> waves(Instant now) {
    WavePlan plan = WavePlan.of(rollout.spec().waves(), rollout.eligible());
    int w = rollout.currentWave();
    if (rollout.bakeUntil() != null) {
      if (now.isBefore(rollout.bakeUntil())) {
        wakeAt(rollout.bakeUntil());
        return Future.succeededFuture();
      }
      return save(rollout.withWave(w + 1, null)).compose(v -> waves(now));
    }
    return notifyDue(plan, w).compose(v -> waveDone(plan, w, now));
  }

  /** Notifies due retries (of any wave) and the next devices of wave {@code w}, within the maximum in flight. */
  private Future<Void> notifyDue(WavePlan plan, int w) {
    ExecutionCounts c = ledger.counts();
    long free = rollout.spec().maxInProgress() - c.inFlight();
    int page = parts.settings().pageSize();
    if (free <= 0) {
      return Future.succeededFuture();
    }
    long unassigned = c.get(-1, ExecutionState.QUEUED);
    long retriesDue = c.total(ExecutionState.QUEUED) - unassigned;
    Future<List<ExecutionStorePg.Picked>> retried = retriesDue > 0
        ? parts.executions().pickRetries(id(), (int) Math.min(free, page)) : Future.succeededFuture(List.of());
    return retried.compose(again -> {
      ledger.notified(again, false);
      long fresh = Math.min(Math.min(free - again.size(), plan.size(w) - c.assigned(w)), page);
      Future<List<ExecutionStorePg.Picked>> picked = fresh > 0 && unassigned > 0
          ? parts.executions().pickNew(id(), (int) fresh, w) : Future.succeededFuture(List.of());
      return picked.compose(news -> {
        ledger.notified(news, true);
        List<ExecutionStorePg.Picked> all = new ArrayList<>(again);
        all.addAll(news);
        if (news.size() == fresh && fresh > 0 || again.size() == page) {
          requestAdvance(); // a full batch: there may be more to notify
        }
        // NOTIFIED is committed: the devices are told while the engine goes on (a restart tells them again).
        background(deliver(all), "telling devices");
        return Future.succeededFuture();
      });
    });
  }

  /** When wave {@code w} is notified in full and finished: completion, its success gate, or its bake. */
  private Future<Void> waveDone(WavePlan plan, int w, Instant now) {
    ExecutionCounts c = ledger.counts();
    long unassigned = c.get(-1, ExecutionState.QUEUED);
    long assigned = c.assigned(w);
    boolean filled = assigned >= plan.size(w) || unassigned == 0;
    if (!filled || c.open(w) != 0 || rollout.state() != RolloutState.RUNNING) {
      return Future.succeededFuture();
    }
    boolean lastWave = w >= plan.waves() - 1;
    if (lastWave && unassigned == 0) {
      if (c.total(ExecutionState.QUEUED) > 0 || c.inFlight() > 0 || rollout.spec().continuous()) {
        return Future.succeededFuture(); // retries of earlier waves are still due, or new devices may come
      }
      return setState(RolloutState.COMPLETED, null).onSuccess(v -> finish());
    }
    long ok = c.get(w, ExecutionState.SUCCEEDED);
    double gate = rollout.spec().successGate().percent();
    if (assigned > 0 && ok * 100.0 < gate * assigned && rollout.gateOverride() != w) {
      return setState(RolloutState.PAUSED, String.format("success gate: wave %d finished with %d of %d succeeded "
          + "(%d%%), below %s%%", w, ok, assigned, Math.round(ok * 100.0 / assigned), RolloutView.number(gate)));
    }
    Instant bake = now.plusSeconds(rollout.spec().successGate().bakeSeconds());
    return save(rollout.withWave(w, bake)).onSuccess(v -> requestAdvance());
  }

  /** Tells these devices what to install (shadow: their desired state; method: a call), with fresh links. */
  Future<Void> deliver(List<ExecutionStorePg.Picked> picked) {
    return deliver(picked, 0);
  }

  /**
   * As {@link #deliver(List)}, the links living {@code extraSeconds} longer: links replacing expired
   * ones differ from those minted in the same second.
   */
  Future<Void> deliver(List<ExecutionStorePg.Picked> picked, int extraSeconds) {
    if (picked.isEmpty()) {
      return Future.succeededFuture();
    }
    Instant expires = Instant.now().plusSeconds(rollout.spec().timeouts().deadlineSeconds()
        + (long) parts.settings().linkMarginSeconds() + extraSeconds);
    if (rollout.spec().delivery() == RolloutSpec.Delivery.METHOD) {
      for (ExecutionStorePg.Picked p : picked) {
        calls.call(p.deviceId(), expires);
      }
      return Future.succeededFuture();
    }
    List<Future<Boolean>> writes = new ArrayList<>(picked.size());
    for (ExecutionStorePg.Picked p : picked) {
      writes.add(parts.delivery().desire(release, id(), p.deviceId(), expires));
    }
    return Future.join(writes).mapEmpty();
  }

  void background(Future<Void> work, String what) {
    work.onFailure(e -> LOG.warn("rollout {}: {} failed: {}", id(), what, e.toString()));
  }

  /** Periodic: timeouts, due retries, method calls to retry, continuous target scans. */
  private void sweep() {
    if (stopped) {
      return;
    }
    steps.run(this::timeOuts).onComplete(ar -> {
      if (stopped) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("rollout {}: sweep failed: {}", id(), ar.cause().toString());
      }
      if (rollout.state().active()) {
        calls.callAgain(Instant.now().plusSeconds(rollout.spec().timeouts().deadlineSeconds()
            + (long) parts.settings().linkMarginSeconds()));
      }
      if (rollout.state() == RolloutState.RUNNING && targets.rescanDue()) {
        targets.rescan();
      }
      requestAdvance();
    });
  }

  /** Executions silent past their in-progress timeout or deadline: TIMED_OUT, or queued for their retry. */
  private Future<Void> timeOuts() {
    if (stopped) {
      return Future.succeededFuture();
    }
    return parts.executions().overdue(id(), rollout.spec().timeouts().inProgressSeconds(),
        rollout.spec().timeouts().deadlineSeconds(), parts.settings().pageSize()).compose(overdue -> {
          List<Transition> changes = new ArrayList<>(overdue.size());
          for (Execution x : overdue) {
            String why = x.state() == ExecutionState.IN_PROGRESS && x.notifiedAt() != null
                && x.startedAt() != null ? "no result within " + rollout.spec().timeouts().inProgressSeconds()
                + " s in progress (or the deadline passed)" : "not finished within the deadline of "
                + rollout.spec().timeouts().deadlineSeconds() + " s";
            changes.add(failure(x, ExecutionState.TIMED_OUT, Transition.error("TIMED_OUT", why)));
          }
          return afterTransitions(changes);
        });
  }

  private void wakeAt(Instant at) {
    parts.vertx().cancelTimer(wakeTimer);
    long delay = Math.max(1, at.toEpochMilli() - System.currentTimeMillis());
    wakeTimer = parts.vertx().setTimer(delay, t -> requestAdvance());
  }

  Future<Void> save(Rollout next) {
    return parts.rollouts().save(next).map(v -> {
      rollout = next;
      return null;
    });
  }

  /** Stores a new state, then says so (event, metric). */
  Future<Void> setState(RolloutState state, String reason) {
    Rollout next = rollout.withState(state, reason);
    return save(next).map(v -> {
      parts.events().rollout(next);
      host.stateChanged(next);
      LOG.info("rollout {}: {}{}", id(), state, reason == null ? "" : " (" + reason + ")");
      return null;
    });
  }

  void superseded(List<String> others) {
    if (!others.isEmpty()) {
      host.superseded(others);
    }
  }

  /** Ends the engine once its rollout is over and nothing is in flight. */
  void finish() {
    if (!stopped) {
      stop();
      host.finished(this);
    }
  }
}
