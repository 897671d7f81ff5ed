package io.shadowmq.loadtest.scenario;

import io.shadowmq.loadtest.client.MqttLink;
import io.shadowmq.loadtest.metrics.Counters;
import io.shadowmq.loadtest.metrics.Latency;
import io.shadowmq.loadtest.metrics.Pacer;
import io.shadowmq.loadtest.metrics.Result;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Devices update their shadow through {@code $aws/things/{thing}/shadow/update} and wait for
 * {@code accepted}/{@code rejected}; an application client changes desired state and the devices
 * time the {@code delta} that follows. A first update without any answer within the probe timeout
 * means the broker has no device shadows: the scenario then skips itself.
 */
public final class ShadowScenario implements Scenario {
  private final ScenarioEnv env;
  private final RunOptions opts;
  private final int devices;
  private final double rate;
  private final double desiredShare;
  private final double probeSeconds;
  private final double warmupSeconds;
  private final Counters counters;
  private final Latency acceptedLatency = new Latency();
  private final Latency deltaLatency = new Latency();
  private final Latency connectLatency = new Latency();
  private final List<Device> fleet = new ArrayList<>();
  private final Map<String, Long> pendingUpdates = new ConcurrentHashMap<>();
  private final Map<String, Long> pendingDesired = new ConcurrentHashMap<>();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder deltas = new LongAdder();
  private final LongAdder desiredSent = new LongAdder();
  private final AtomicLong setpoints = new AtomicLong();
  private final List<MqttLink> links = new ArrayList<>();
  private MqttLink app;
  private volatile boolean running;
  private boolean skipped;
  private String skipReason;
  // Updates issued before this instant warm up both sides (JIT, the broker's shadow cache, connection
  // buffers) and are not counted; the measured phase starts here.
  private volatile long runStart;
  private long runEnd;

  public ShadowScenario(ScenarioEnv env, int devices, double rate, double desiredShare, double probeSeconds,
                        double warmupSeconds) {
    if (devices < 1) {
      throw new IllegalArgumentException("--devices must be at least 1");
    }
    this.env = env;
    this.opts = env.options();
    this.devices = devices;
    this.rate = rate;
    this.desiredShare = desiredShare;
    this.probeSeconds = probeSeconds;
    this.warmupSeconds = Math.max(0, warmupSeconds);
    this.counters = env.counters();
  }

  @Override
  public String name() {
    return "shadow";
  }

  @Override
  public Counters counters() {
    return counters;
  }

  @Override
  public Future<Void> setup() {
    Share share = opts.share(devices);
    List<Connector.Plan> plans = new ArrayList<>();
    for (long i = share.start(); i < share.end(); i++) {
      long idx = i;
      plans.add(new Connector.Plan(idx, c -> {
        MqttLink l = env.links().create(c, env.clientId("dev", idx), opts.persistent());
        Device d = new Device(l, c, new ShadowTopics(l.clientId(), false));
        l.messageHandler(d::onMessage);
        synchronized (fleet) {
          fleet.add(d);
        }
        return l;
      }, l -> {
        ShadowTopics t = new ShadowTopics(l.clientId(), false);
        return l.subscribe(Map.of(t.accepted(), 1, t.rejected(), 1, t.delta(), 1));
      }));
    }
    long appIndex = opts.workerIndex();
    plans.add(new Connector.Plan(appIndex, c -> env.links().create(c, env.clientId("app", appIndex), false),
        l -> Future.succeededFuture()));
    Connector connector = new Connector(env, connectLatency);
    long deadline = System.nanoTime() + (long) ((30 + plans.size() / Math.max(1, opts.connectRate())) * 1e9);
    return connector.open(plans, opts.connectRate(), deadline).compose(ok -> {
      links.addAll(ok);
      app = ok.stream().filter(l -> l.clientId().equals(env.clientId("app", appIndex))).findFirst().orElse(null);
      synchronized (fleet) {
        fleet.removeIf(d -> !ok.contains(d.link));
      }
      if (app == null || fleet.isEmpty()) {
        return Future.failedFuture("devices or the application client could not connect: " + counters.lastError());
      }
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<Void> run() {
    Promise<Void> done = Promise.promise();
    Device first = fleet.get(0);
    String probeToken = first.topics.thing() + ":probe";
    pendingUpdates.put(probeToken, System.nanoTime());
    first.context.runOnContext(v -> first.link.publish(first.topics.update(), update(new JsonObject().put("probe", true),
        probeToken), 1, false));
    long probeUntil = System.nanoTime() + (long) (probeSeconds * 1e9);
    env.vertx().setPeriodic(20, id -> {
      if (!pendingUpdates.containsKey(probeToken)) {
        env.vertx().cancelTimer(id);
        measure().onComplete(ar -> done.complete());
      } else if (System.nanoTime() > probeUntil) {
        env.vertx().cancelTimer(id);
        skipped = true;
        skipReason = "no reply on " + first.topics.accepted() + " or /rejected within " + probeSeconds
            + " s: the broker does not handle device shadows";
        pendingUpdates.clear();
        done.complete();
      }
    });
    return done.future();
  }

  private Future<Void> measure() {
    Promise<Void> done = Promise.promise();
    pendingUpdates.clear();
    running = true;
    long pacingStart = System.nanoTime();
    runStart = pacingStart + (long) (warmupSeconds * 1e9);
    double localRate = rate * fleet.size() / devices;
    long quota = opts.count() > 0 ? opts.share(opts.count()).size() : Long.MAX_VALUE;
    long every = desiredShare > 0 ? Math.max(1, Math.round(1 / desiredShare)) : Long.MAX_VALUE;
    Pacer pacer = new Pacer(localRate, pacingStart);
    long[] issued = {0};
    long[] counted = {0};
    long endAt = opts.timed() ? runStart + (long) (opts.durationSeconds() * 1e9) : Long.MAX_VALUE;
    env.contexts().get(0).runOnContext(v -> env.vertx().setPeriodic(1, id -> {
      long now = System.nanoTime();
      if (now >= endAt || counted[0] >= quota) {
        env.vertx().cancelTimer(id);
        running = false;
        runEnd = now;
        drain().onComplete(ar -> done.complete());
        return;
      }
      // unlimited: at most one update per device per tick
      long due = Math.min(Math.min(pacer.due(now), fleet.size()), quota - counted[0]);
      for (long i = 0; i < due; i++) {
        Device d = fleet.get((int) (issued[0] % fleet.size()));
        issued[0]++;
        if (now >= runStart) {
          counted[0]++;
        }
        pacer.issued(1);
        d.context.runOnContext(x -> d.report(new JsonObject().put("seq", d.seq).put("ts", System.currentTimeMillis())));
        if (issued[0] % every == 0) {
          changeDesired(fleet.get((int) ((issued[0] / every * 7919) % fleet.size())));
        }
      }
    }));
    return done.future();
  }

  private void changeDesired(Device d) {
    long setpoint = setpoints.incrementAndGet();
    long now = System.nanoTime();
    pendingDesired.put(d.topics.thing() + ":" + setpoint, now);
    if (now >= runStart) {
      desiredSent.increment();
    }
    JsonObject body = new JsonObject().put("state", new JsonObject().put("desired", new JsonObject()
        .put("setpoint", setpoint))).put("clientToken", "app:" + setpoint);
    app.publish(d.topics.update(), body.toBuffer(), 1, false)
        .onFailure(e -> counters.error("desired update: " + e.getMessage()));
  }

  private Future<Void> drain() {
    Promise<Void> drained = Promise.promise();
    long until = System.nanoTime() + 5_000_000_000L;
    env.vertx().setPeriodic(50, id -> {
      if ((pendingUpdates.isEmpty() && pendingDesired.isEmpty()) || System.nanoTime() > until) {
        env.vertx().cancelTimer(id);
        drained.complete();
      }
    });
    return drained.future();
  }

  static Buffer update(JsonObject reported, String clientToken) {
    return new JsonObject().put("state", new JsonObject().put("reported", reported))
        .put("clientToken", clientToken).toBuffer();
  }

  @Override
  public Result result() {
    Result r = new Result();
    r.scenario = "shadow";
    r.connections = (long) links.size();
    r.connectFailures = counters.connectFailures.sum();
    r.errors = counters.errors.sum();
    r.lastError = counters.lastError();
    r.skipped = skipped;
    r.skipReason = skipReason;
    r.histograms.put("connectLatencyMs", connectLatency.snapshot());
    if (skipped) {
      return r;
    }
    r.sent = counters.sent.sum();
    r.delivered = counters.delivered.sum();
    r.expectedPerSent = 1.0;
    r.duplicated = 0L;
    double secs = (runEnd - runStart) / 1e9;
    r.durationSeconds = secs;
    r.windowStartNanos = runStart;
    r.windowEndNanos = runEnd;
    r.msgsPerSecIn = secs > 0 ? r.sent / secs : 0.0;
    r.msgsPerSecOut = secs > 0 ? r.delivered / secs : 0.0;
    r.histograms.put("latencyMs", acceptedLatency.snapshot());
    r.histograms.put("deltaLatencyMs", deltaLatency.snapshot());
    r.extra.put("rejected", rejected.sum());
    r.extra.put("desiredChanges", desiredSent.sum());
    r.extra.put("deltas", deltas.sum());
    r.computeLost();
    return r;
  }

  @Override
  public Future<Void> close() {
    List<Future<Void>> fs = new ArrayList<>();
    for (MqttLink l : links) {
      fs.add(l.disconnect().onComplete(ar -> counters.connections.decrementAndGet()));
    }
    return Future.join(fs).mapEmpty();
  }

  /** One simulated device; touched only on its own context. */
  private final class Device {
    final MqttLink link;
    final Context context;
    final ShadowTopics topics;
    long seq;
    Object appliedSetpoint;

    Device(MqttLink link, Context context, ShadowTopics topics) {
      this.link = link;
      this.context = context;
      this.topics = topics;
    }

    void report(JsonObject reported) {
      String token = topics.thing() + ":" + seq++;
      long now = System.nanoTime();
      pendingUpdates.put(token, now);
      if (now >= runStart) {
        counters.sent.increment();
      }
      link.publish(topics.update(), update(reported, token), 1, false)
          .onFailure(e -> counters.error("shadow update " + topics.thing() + ": " + e.getMessage()));
    }

    void onMessage(String topic, Buffer payload, int qos) {
      long now = System.nanoTime();
      JsonObject doc;
      try {
        doc = payload.toJsonObject();
      } catch (DecodeException | ClassCastException e) {
        counters.error("not JSON on " + topic);
        return;
      }
      if (topic.equals(topics.accepted()) || topic.equals(topics.rejected())) {
        Long sent = pendingUpdates.remove(String.valueOf(doc.getValue("clientToken")));
        if (sent == null) {
          return; // another client's update of this shadow
        }
        if (runStart > 0 && sent >= runStart) {
          counters.delivered.increment();
          acceptedLatency.recordNanosSince(sent, now);
        }
        if (topic.equals(topics.rejected())) {
          rejected.increment();
        }
      } else if (topic.equals(topics.delta())) {
        deltas.increment();
        JsonObject state = doc.getJsonObject("state", new JsonObject());
        Object setpoint = state.getValue("setpoint");
        Long sent = setpoint == null ? null : pendingDesired.remove(topics.thing() + ":" + setpoint);
        if (sent != null && sent >= runStart) {
          deltaLatency.recordNanosSince(sent, now);
        }
        // A delta repeats while desired and reported differ (every update of the shadow in between
        // publishes one); like a real device, act on each new setpoint once.
        if (setpoint != null && running && !setpoint.equals(appliedSetpoint)) {
          appliedSetpoint = setpoint;
          report(new JsonObject().put("setpoint", setpoint));
        }
      }
    }
  }
}
