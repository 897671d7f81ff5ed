package io.shadowmq.shadow.rollout;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.MeterRegistry;
import io.shadowmq.shadow.firmware.Release;
import io.shadowmq.shadow.firmware.ReleaseStore;
import io.shadowmq.shadow.group.GroupStore;
import io.shadowmq.shadow.service.ShadowService;
import io.shadowmq.shadow.state.Shadow;
import io.shadowmq.shadow.state.ShadowKey;
import io.shadowmq.shadow.store.PostgresConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The rollouts of a node: creates them, runs one {@link RolloutEngine} for each active rollout whose
 * PostgreSQL advisory lock this node holds (taken at start and whenever a rollout is left without
 * an engine), routes devices' firmware reports from committed shadow changes to the engines, and
 * serves the admin API's reads and actions. All engines share one context; callable from any thread.
 */
public final class RolloutService implements RolloutEngine.Host {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutService.class);

  private final EngineParts parts;
  private final Context context;
  private final AdvisoryLocks locks;
  private final Map<String, RolloutEngine> engines = new HashMap<>();
  private final Map<String, Future<RolloutEngine>> claiming = new HashMap<>();
  private final Map<String, Long> rolloutsByState = new ConcurrentHashMap<>();
  private volatile List<RolloutEngine> engineList = List.of();
  private final long claimTimer;

  private RolloutService(EngineParts parts, Context context, PostgresConfig pg, MeterRegistry registry) {
    this.parts = parts;
    this.context = context;
    // Without its lock an engine must not go on: another node may take the rollout.
    this.locks = new AdvisoryLocks(parts.vertx(), pg, () -> context.runOnContext(v -> stopEngines()));
    for (RolloutState s : RolloutState.values()) {
      Gauge.builder("shadowmq.rollouts", rolloutsByState, m -> m.getOrDefault(s.name(), 0L)).tag("state", s.name())
          .description("Rollouts, by state").register(registry);
    }
    for (ExecutionState s : ExecutionState.values()) {
      Gauge.builder("shadowmq.rollout.executions", this, r -> r.executionsIn(s)).tag("state", s.name())
          .description("Executions of the rollouts this node drives, by state").register(registry);
    }
    this.claimTimer = parts.vertx().setPeriodic(parts.settings().claimMillis(), t -> context.runOnContext(v -> claimAll()));
  }

  /**
   * Starts the node's rollout engines: one for every active rollout nobody else drives; from now on
   * shadow changes reach them.
   */
  public static Future<RolloutService> start(Vertx vertx, PostgresConfig pg, RolloutStorePg rollouts,
                                             ExecutionStorePg executions, GroupStore groups, ReleaseStore releases,
                                             FirmwareDelivery delivery, RolloutEvents events, ShadowService shadows,
                                             RolloutSettings settings, MeterRegistry registry) {
    Context context = vertx.getOrCreateContext();
    EngineParts parts = new EngineParts(vertx, rollouts, executions, groups, releases, delivery, events, settings,
        Counter.builder("shadowmq.rollout.transitions").description("Execution state changes written by this node's "
            + "rollout engines").register(registry),
        Timer.builder("shadowmq.rollout.report.latency").description("Time from a device's firmware report reaching "
            + "its engine to the committed transition").publishPercentiles(0.5, 0.99).register(registry));
    RolloutService service = new RolloutService(parts, context, pg, registry);
    shadows.changes().add(service::shadowChanged);
    return service.on(service::claimAll).map(service);
  }

  /** Stops the engines and gives up their locks. */
  public Future<Void> stop() {
    parts.vertx().cancelTimer(claimTimer);
    return on(() -> {
      stopEngines();
      return locks.close();
    });
  }

  private void stopEngines() {
    engines.values().forEach(RolloutEngine::stop);
    engines.clear();
    refreshCounts();
  }

  // ---- engines

  private Future<Void> claimAll() {
    return countStates().compose(v -> parts.rollouts().activeIds()).compose(ids -> {
      Future<Void> chain = Future.succeededFuture();
      for (String id : ids) {
        if (!engines.containsKey(id)) {
          chain = chain.compose(v -> claim(id).<Void>mapEmpty().recover(e -> {
            LOG.warn("rollout {}: could not start its engine: {}", id, e.toString());
            return Future.succeededFuture();
          }));
        }
      }
      return chain;
    }).recover(e -> {
      LOG.debug("looking for rollouts to drive: {}", e.toString());
      return Future.succeededFuture();
    });
  }

  /**
   * The rollout's engine on this node, started if its lock is free; null when another node drives it
   * (or the rollout is over). Advisory locks are re-entrant within a session: claims of one rollout
   * that overlap share one attempt, so one engine is started at most.
   */
  private Future<RolloutEngine> claim(String id) {
    RolloutEngine running = engines.get(id);
    if (running != null) {
      return Future.succeededFuture(running);
    }
    Future<RolloutEngine> pending = claiming.get(id);
    if (pending != null) {
      return pending;
    }
    Future<RolloutEngine> attempt = locks.tryLock(id).compose(locked -> {
      if (!locked) {
        return Future.succeededFuture(null);
      }
      int losses = locks.losses();
      return load(id).compose(engine -> {
        if (locks.losses() != losses) {
          return Future.succeededFuture(null); // the lock went with its connection while the rollout was read
        }
        if (engine == null || !engine.rollout.state().active()) {
          return locks.unlock(id).map((RolloutEngine) null);
        }
        engines.put(id, engine);
        refreshCounts();
        return engine.start().map(engine);
      });
    });
    claiming.put(id, attempt);
    return attempt.andThen(ar -> claiming.remove(id));
  }

  private Future<RolloutEngine> load(String id) {
    return parts.rollouts().find(id).compose(r -> r == null ? Future.succeededFuture(null)
        : parts.releases().find(r.releaseId()).map(release -> {
          if (release == null) {
            LOG.error("rollout {}: its release {} is gone", id, r.releaseId());
            return null;
          }
          return new RolloutEngine(parts, this, r, release);
        }));
  }

  @Override
  public void finished(RolloutEngine engine) {
    if (engines.get(engine.id()) == engine) {
      engines.remove(engine.id());
      locks.unlock(engine.id());
    }
    refreshCounts();
  }

  @Override
  public void superseded(List<String> rolloutIds) {
    for (String id : rolloutIds) {
      RolloutEngine e = engines.get(id);
      if (e != null) {
        e.steps.run(() -> e.ledger.reload()).onSuccess(v -> e.requestAdvance());
      }
    }
  }

  @Override
  public void stateChanged(Rollout rollout) {
    countStates();
    refreshCounts();
  }

  /** Reads the rollouts by state for the gauge (all nodes' rollouts). */
  private Future<Void> countStates() {
    return parts.rollouts().countByState().map(m -> {
      rolloutsByState.clear();
      m.forEach(e -> rolloutsByState.put(e.getKey(), ((Number) e.getValue()).longValue()));
      return null;
    });
  }

  /** The engines as a list other threads may read (the metrics). */
  private void refreshCounts() {
    engineList = List.copyOf(engines.values());
  }

  private double executionsIn(ExecutionState s) {
    double n = 0;
    for (RolloutEngine e : engineList) {
      n += e.ledger.snapshot().total(s);
    }
    return n;
  }

  // ---- target changes

  /**
   * Devices were registered or their tags changed: continuous rollouts take in those now in their
   * group or selector, without waiting for their next rescan. Callable from any thread.
   */
  public void devicesChanged(List<String> devices) {
    context.runOnContext(v -> engines.values().forEach(e -> e.targets.devicesChanged(devices)));
  }

  /** A group was created or its selector changed: continuous rollouts on it scan it again now. */
  public void groupChanged(String group) {
    context.runOnContext(v -> engines.values().forEach(e -> {
      if (group.equals(e.rollout.spec().target().group())) {
        e.targets.rescan();
      }
    }));
  }

  // ---- device reports

  private void shadowChanged(ShadowKey key, Shadow before, Shadow after) {
    if (!key.isClassic() || after == null) {
      return;
    }
    JsonObject was = before == null ? null : before.reported();
    JsonObject now = after.reported();
    boolean shadowPart = !Objects.equals(FirmwareReport.source(was, RolloutSpec.Delivery.SHADOW),
        FirmwareReport.source(now, RolloutSpec.Delivery.SHADOW));
    boolean methodPart = !Objects.equals(FirmwareReport.source(was, RolloutSpec.Delivery.METHOD),
        FirmwareReport.source(now, RolloutSpec.Delivery.METHOD));
    if (!shadowPart && !methodPart) {
      return;
    }
    FirmwareReport shadowReport = FirmwareReport.of(now, RolloutSpec.Delivery.SHADOW);
    String named = shadowReport != null && shadowReport.rolloutId() != null ? shadowReport.rolloutId()
        : desiredRollout(after);
    String device = key.thing();
    context.runOnContext(v -> {
      if (engines.isEmpty()) {
        return; // this node drives no rollout
      }
      Future<String> rolloutId = named != null ? Future.succeededFuture(named) : parts.executions().inFlightRollout(device);
      rolloutId.onSuccess(id -> {
        RolloutEngine engine = id == null ? null : engines.get(id);
        if (engine != null) {
          FirmwareReport report = FirmwareReport.of(now, engine.rollout.spec().delivery());
          if (report != null) {
            engine.reports.add(device, report);
          }
        }
      });
    });
  }

  private static String desiredRollout(Shadow s) {
    JsonObject d = s.desired();
    if (d != null && d.getValue("firmware") instanceof JsonObject fw && fw.getValue("rolloutId") instanceof String id) {
      return id;
    }
    return null;
  }

  // ---- the API's side

  /** Creates a rollout from the API's JSON (an {@link InvalidSpecException} names a bad member); its view. */
  public Future<JsonObject> create(JsonObject request) {
    RolloutSpec spec = RolloutSpecReader.read(request);
    return create(spec);
  }

  /** Updates one device now: a rollout of one, no waves, superseding any other. */
  public Future<JsonObject> updateNow(String device, String releaseId, RolloutSpec.Delivery delivery) {
    RolloutSpec defaults = RolloutSpecReader.read(new JsonObject().put("releaseId", releaseId)
        .put("target", new JsonObject().put("devices", new io.vertx.core.json.JsonArray().add(device))));
    return create(RolloutSpec.single(releaseId, device, delivery, defaults));
  }

  private Future<JsonObject> create(RolloutSpec spec) {
    return parts.releases().find(spec.releaseId()).compose(release -> {
      if (release == null) {
        return Future.failedFuture(new InvalidSpecException("releaseId", "no release " + spec.releaseId()));
      }
      Future<Void> groupThere = spec.target().group() == null ? Future.succeededFuture()
          : parts.groups().find(spec.target().group()).compose(g -> g != null ? Future.<Void>succeededFuture()
          : Future.failedFuture(new InvalidSpecException("target.group", "no group " + spec.target().group())));
      RolloutState first = spec.requireApproval() ? RolloutState.WAITING_APPROVAL
          : spec.startAt() != null && Instant.now().isBefore(spec.startAt()) ? RolloutState.SCHEDULED : RolloutState.RUNNING;
      String id = "ro-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
      Rollout r = new Rollout(id, release.id(), release.version(), spec, first, null, 0, null, -1, null, false, 0,
          Instant.now(), Instant.now());
      return groupThere.compose(v -> parts.rollouts().create(r))
          .compose(v -> on(() -> claim(id).map(e -> {
            parts.events().rollout(r);
            countStates();
            return view(e, r);
          })));
    });
  }

  /** The rollout's view, or null when there is none. */
  public Future<JsonObject> get(String id) {
    return on(() -> {
      RolloutEngine e = engines.get(id);
      if (e != null) {
        return Future.succeededFuture(view(e, e.rollout));
      }
      return parts.rollouts().find(id).compose(r -> r == null ? Future.succeededFuture(null) : storedView(r));
    });
  }

  /** Rollouts in id order after {@code after} (of one group when given), as views. */
  public Future<List<JsonObject>> list(String after, String group, int limit) {
    return parts.rollouts().page(after, group, limit).compose(page -> {
      List<Future<JsonObject>> views = page.stream().map(r -> on(() -> {
        RolloutEngine e = engines.get(r.id());
        return e != null ? Future.succeededFuture(view(e, e.rollout)) : storedView(r);
      })).toList();
      return Future.all(views).map(all -> all.<JsonObject>list());
    });
  }

  /** The view of a rollout no engine of this node drives: its counts read from the store. */
  private Future<JsonObject> storedView(Rollout r) {
    return parts.executions().counts(r.id()).map(c -> RolloutView.json(r, c));
  }

  /**
   * Runs an action ({@code approve, pause, resume, cancel, rollback, retry-failed}); the rollout's
   * view after it, or null when there is no such rollout. Fails with {@link IllegalStateException}
   * when the rollout's state does not allow it.
   */
  public Future<JsonObject> act(String id, String action, boolean revertInProgress) {
    Function<RolloutActions, Future<Void>> run = switch (action) {
      case "approve" -> RolloutActions::approve;
      case "pause" -> RolloutActions::pause;
      case "resume" -> RolloutActions::resume;
      case "cancel" -> a -> a.cancel(revertInProgress);
      case "rollback" -> RolloutActions::rollbackNow;
      case "retry-failed" -> RolloutActions::retryFailed;
      default -> throw new IllegalArgumentException("no action " + action);
    };
    return on(() -> withEngine(id, e -> run.apply(e.actions))).compose(done -> done == null ? Future.succeededFuture(null)
        : get(id));
  }

  /** Cancels one device's execution; the execution after, or null when there is none. */
  public Future<Execution> cancelDevice(String id, String device) {
    return on(() -> withEngine(id, e -> e.actions.cancelDevice(device))).map(x -> x instanceof Execution ex ? ex : null);
  }

  /**
   * Runs {@code work} on the rollout's engine: the running one, or one started for it; for a
   * finished rollout, an engine that only acts (it does not advance). Null when there is no rollout.
   */
  private <T> Future<Object> withEngine(String id, Function<RolloutEngine, Future<T>> work) {
    return claim(id).compose(engine -> {
      if (engine != null) {
        return work.apply(engine).map(x -> x == null ? Boolean.TRUE : (Object) x);
      }
      return load(id).compose(idle -> {
        if (idle == null) {
          return Future.succeededFuture(null);
        }
        idle.stop(); // acts, never advances: a finished rollout needs no engine
        return locks.tryLock(id).compose(locked -> {
          if (!locked) {
            return Future.failedFuture(new RolloutActions.NotAllowed("another node drives this rollout"));
          }
          return idle.ledger.reload().compose(v -> work.apply(idle)).map(x -> x == null ? Boolean.TRUE : (Object) x)
              .eventually(() -> locks.unlock(id)).compose(x -> claimAll().map(x));
        });
      });
    });
  }

  /** A page of a rollout's executions (in device order), only those in {@code state} when given. */
  public Future<List<Execution>> executions(String id, ExecutionState state, String after, int limit) {
    return parts.executions().page(id, state, after, limit);
  }

  /** A device's executions, newest first. */
  public Future<List<Execution>> deviceHistory(String device, int limit) {
    return parts.executions().history(device, limit);
  }

  /** Whether a rollout exists. */
  public Future<Boolean> exists(String id) {
    return parts.rollouts().find(id).map(Objects::nonNull);
  }

  /** Device transitions written by this node's engines since start (for benchmarks). */
  public Future<Long> transitions() {
    return on(() -> Future.succeededFuture(engines.values().stream().mapToLong(e -> e.ledger.transitions()).sum()));
  }

  private JsonObject view(RolloutEngine e, Rollout fallback) {
    return RolloutView.json(e == null ? fallback : e.rollout, e == null ? new ExecutionCounts() : e.ledger.snapshot());
  }

  private <T> Future<T> on(Supplier<Future<T>> work) {
    if (Vertx.currentContext() == context) {
      return work.get();
    }
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        work.get().onComplete(p);
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }
}
