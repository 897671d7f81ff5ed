package io.shadowmq.shadow.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shadowmq.shadow.state.ShadowEngine;
import io.shadowmq.shadow.state.ShadowKey;
import io.shadowmq.shadow.state.ShadowLimits;
import io.shadowmq.shadow.state.ShadowOperation;
import io.shadowmq.shadow.state.ShadowOutcome;
import io.shadowmq.shadow.state.ShadowRequest;
import io.shadowmq.shadow.store.ShadowStore;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The device shadow service of a node. Things are sharded by name over one context per event loop;
 * all operations on a thing run in order on its shard, a change is committed to the store before
 * its replies are handed back, hot shadows are cached with a bound, each thing's request rate is
 * bound (429 past it), and storage failures become 503 (or 500). Callable from any thread.
 */
public final class ShadowService {
  private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)};
  private final List<ShadowShard> shards;
  private final String deploymentId;
  private final Vertx vertx;
  private final Counter[] accepted;
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter> rejected = new ConcurrentHashMap<>();
  private final Timer[] latency;
  private final ShadowStore store;
  private final ShadowChanges changes;

  private ShadowService(Vertx vertx, List<ShadowShard> shards, String deploymentId, MeterRegistry registry,
                        ShadowStore store, ShadowChanges changes) {
    this.vertx = vertx;
    this.changes = changes;
    this.store = store;
    this.shards = shards;
    this.deploymentId = deploymentId;
    this.registry = registry;
    this.accepted = new Counter[ShadowOperation.values().length];
    for (var op : ShadowOperation.values()) {
      accepted[op.ordinal()] = requests(op.word(), "accepted");
    }
    this.latency = new Timer[ShadowOperation.values().length];
    for (var op : ShadowOperation.values()) {
      // Fixed buckets from 1 ms to 5 s: enough to see commit latency, few series per operation.
      latency[op.ordinal()] = Timer.builder("shadowmq.shadow.request.duration").tag("operation", op.word())
          .description("Time from a shadow request's arrival to its answer, commit included")
          .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }
    // Read from the scraping thread without the shards' contexts: an approximate count is enough for a gauge.
    io.micrometer.core.instrument.Gauge.builder("shadowmq.shadow.cached", shards,
            s -> s.stream().mapToInt(ShadowShard::cachedShadows).sum())
        .description("Shadows held in memory").register(registry);
  }

  /** One shard per event loop: a verticle instance whose context owns the shard. */
  private static final class ShardVerticle extends VerticleBase {
    private final ShadowEngine engine;
    private final ShadowStore store;
    private final int cacheSize;
    private final Clock clock;
    private final List<ShadowShard> sink;
    private final ShadowChanges changes;

    ShardVerticle(ShadowEngine engine, ShadowStore store, int cacheSize, Clock clock, List<ShadowShard> sink,
                  ShadowChanges changes) {
      this.changes = changes;
      this.engine = engine;
      this.store = store;
      this.cacheSize = cacheSize;
      this.clock = clock;
      this.sink = sink;
    }

    @Override
    public Future<?> start() {
      sink.add(new ShadowShard(context, engine, store, cacheSize, clock, System::nanoTime, changes));
      return Future.succeededFuture();
    }
  }

  /**
   * Starts the service on {@code shards} contexts (one per event loop is the intent).
   *
   * @param cacheSize shadows kept in memory at most, all shards together
   */
  public static Future<ShadowService> start(Vertx vertx, ShadowStore store, ShadowLimits limits, int shards,
                                            int cacheSize, Clock clock, MeterRegistry registry) {
    List<ShadowShard> created = new CopyOnWriteArrayList<>();
    int perShard = Math.max(1, cacheSize / shards);
    ShadowEngine engine = new ShadowEngine(limits); // stateless: the shards share it
    ShadowChanges changes = new ShadowChanges();
    return vertx.deployVerticle(() -> new ShardVerticle(engine, store, perShard, clock, created, changes),
            new DeploymentOptions().setInstances(shards))
        .map(id -> new ShadowService(vertx, List.copyOf(created), id, registry, store, changes));
  }

  /** Serves a request; the future completes after the change (if any) is committed, on the thing's shard. */
  public Future<ShadowOutcome> handle(ShadowRequest request) {
    ShadowShard shard = shardOf(request.key());
    long started = System.nanoTime();
    return onShard(shard, () -> shard.handle(request)).andThen(ar -> {
      latency[request.operation().ordinal()].record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      if (ar.succeeded()) {
        count(ar.result());
      }
    });
  }

  /**
   * Runs {@code work} on the context of the shard that serves this thing's shadows (where its
   * requests are served without a hop) and completes with its outcome, on that context.
   */
  public <T> Future<T> onThing(String thing, Supplier<Future<T>> work) {
    return onShard(shardOf(ShadowKey.classic(thing)), work);
  }

  /** The {@code /update/delta} message for the shadow as it is now, or null when there is no delta. */
  public Future<JsonObject> currentDelta(ShadowKey key) {
    ShadowShard shard = shardOf(key);
    return onShard(shard, () -> shard.delta(key));
  }

  /** The names of a thing's named shadows that exist, in name order (read from the store: changes are committed). */
  public Future<List<String>> names(String thing) {
    return store.names(thing);
  }

  /** Where to listen for committed changes. */
  public ShadowChanges changes() {
    return changes;
  }

  /** Stops the shards; requests still in flight complete. */
  public Future<Void> stop() {
    return vertx.undeploy(deploymentId);
  }

  private ShadowShard shardOf(ShadowKey key) {
    return shards.get(Math.floorMod(key.thing().hashCode(), shards.size()));
  }

  private static <T> Future<T> onShard(ShadowShard shard, Supplier<Future<T>> work) {
    Context ctx = shard.context();
    if (Vertx.currentContext() == ctx) {
      return work.get();
    }
    Promise<T> promise = Promise.promise();
    ctx.runOnContext(v -> work.get().onComplete(promise));
    return promise.future();
  }

  private void count(ShadowOutcome outcome) {
    if (outcome.isAccepted()) {
      accepted[outcome.request().operation().ordinal()].increment();
    } else {
      String op = outcome.request().operation().word();
      String code = Integer.toString(outcome.code());
      rejected.computeIfAbsent(op + code, k -> requests(op, code)).increment();
    }
  }

  private Counter requests(String operation, String result) {
    return Counter.builder("shadowmq.shadow.requests").tag("operation", operation).tag("result", result)
        .description("Shadow requests served, by operation and result (accepted or the rejection code)")
        .register(registry);
  }
}
