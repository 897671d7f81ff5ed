package io.shadowmq.shadow.rollout;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The devices' firmware reports to one engine, batched: the reports that arrive while the engine is
 * busy are read against their executions with one query and turned into transitions written in one
 * group commit. A success trims the device's desired firmware; an expired link gets a fresh one.
 * Used on the engine's context only.
 */
final class FirmwareReports {
  private final RolloutEngine engine;
  private Map<String, FirmwareReport> reports = new LinkedHashMap<>();
  private long since;

  FirmwareReports(RolloutEngine engine) {
    this.engine = engine;
  }

  /** A device's firmware report (its reported state changed). */
  void add(String device, FirmwareReport report) {
    boolean first = reports.isEmpty(); // the first report since the last flush: a flush is due
    if (first) {
      since = System.nanoTime();
    }
    reports.put(device, report);
    if (first) {
      engine.steps.run(this::flush); // may run at once: the report must be in the batch before
    }
  }

  private Future<Void> flush() {
    Map<String, FirmwareReport> batch = reports;
    long arrived = since;
    reports = new LinkedHashMap<>();
    if (engine.stopped()) {
      return Future.succeededFuture();
    }
    return engine.parts.executions().find(engine.id(), new ArrayList<>(batch.keySet())).compose(found -> {
      List<Transition> changes = new ArrayList<>();
      List<String> succeeded = new ArrayList<>();
      List<ExecutionStorePg.Picked> relink = new ArrayList<>();
      for (Map.Entry<String, FirmwareReport> e : batch.entrySet()) {
        Execution x = found.get(e.getKey());
        FirmwareReport.Outcome outcome = x == null ? FirmwareReport.Outcome.NONE
            : e.getValue().outcome(engine.id(), engine.rollout.targetVersion());
        // A device waiting for its retry that reports the target version applied has succeeded all the same.
        boolean retryDone = x != null && x.state() == ExecutionState.QUEUED && x.wave() >= 0
            && outcome == FirmwareReport.Outcome.SUCCEEDED;
        if (x == null || !x.state().inFlight() && !retryDone) {
          continue;
        }
        switch (outcome) {
          case STARTED -> {
            if (x.state() == ExecutionState.NOTIFIED) {
              changes.add(engine.move(x, ExecutionState.IN_PROGRESS, null, null));
            }
          }
          case SUCCEEDED -> {
            changes.add(engine.move(x, ExecutionState.SUCCEEDED, null, null));
            succeeded.add(x.deviceId());
          }
          case FAILED -> changes.add(engine.failure(x, ExecutionState.FAILED, e.getValue().failure()));
          case LINK_EXPIRED -> relink.add(new ExecutionStorePg.Picked(x.deviceId(), x.attempt(), x.wave(),
              x.previousVersion()));
          default -> {
          }
        }
      }
      // Trims and fresh links go out in the background: the next batch need not wait for their commits.
      return engine.afterTransitions(changes).onSuccess(v -> {
        engine.parts.reportLatency().record(System.nanoTime() - arrived, TimeUnit.NANOSECONDS);
        engine.background(trim(succeeded), "trimming desired firmware");
        engine.background(engine.deliver(relink, 1), "sending fresh links");
      });
    });
  }

  /** After success, each device's desired firmware keeps only its version (shadow mode). */
  private Future<Void> trim(List<String> devices) {
    if (engine.rollout.spec().delivery() != RolloutSpec.Delivery.SHADOW || devices.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Boolean>> all = new ArrayList<>(devices.size());
    for (String d : devices) {
      all.add(engine.parts.delivery().trim(d));
    }
    return Future.join(all).mapEmpty();
  }
}
