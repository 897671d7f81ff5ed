package io.shadowmq.loadtest.scenario;

import io.shadowmq.loadtest.client.MqttLink;
import io.shadowmq.loadtest.metrics.Counters;
import io.shadowmq.loadtest.metrics.Latency;
import io.shadowmq.loadtest.metrics.Result;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * N devices that behave like real ones: persistent sessions, subscribed to their shadow delta
 * (both topic layouts), reporting state periodically, and following firmware instructions (see
 * {@link FirmwareDevice}). With a rollout engine in the broker this is the rollout benchmark;
 * without one, desired state can be fed by hand by publishing a delta document.
 */
public final class FleetScenario implements Scenario {
  /** Fleet parameters. */
  public record Settings(int devices, double failShare, double reportIntervalSeconds, double applySeconds,
                         boolean stateLayout, String firmware) {
  }

  private final ScenarioEnv env;
  private final RunOptions opts;
  private final Settings settings;
  private final Counters counters;
  private final Latency updateLatency = new Latency();
  private final Latency downloadLatency = new Latency();
  private final Latency connectLatency = new Latency();
  private final LongAdder started = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder downloadFailed = new LongAdder();
  private final LongAdder applyFailed = new LongAdder();
  private final LongAdder downloadedBytes = new LongAdder();
  private final List<MqttLink> links = new ArrayList<>();
  private final HttpClient http;
  private volatile boolean running;
  private long runStart;
  private long runEnd;

  public FleetScenario(ScenarioEnv env, Settings settings) {
    if (settings.devices() < 1) {
      throw new IllegalArgumentException("--devices must be at least 1");
    }
    if (settings.failShare() < 0 || settings.failShare() > 1) {
      throw new IllegalArgumentException("--fail-share must be between 0 and 1");
    }
    this.env = env;
    this.opts = env.options();
    this.settings = settings;
    this.counters = env.counters();
    this.http = env.vertx().createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(10_000),
        new PoolOptions().setHttp1MaxSize(64));
  }

  @Override
  public String name() {
    return "fleet";
  }

  @Override
  public Counters counters() {
    return counters;
  }

  @Override
  public Future<Void> setup() {
    Share share = opts.share(settings.devices());
    List<Connector.Plan> plans = new ArrayList<>();
    for (long i = share.start(); i < share.end(); i++) {
      long idx = i;
      plans.add(new Connector.Plan(idx, c -> {
        MqttLink l = env.links().create(c, env.clientId("dev", idx), true);
        ShadowTopics report = new ShadowTopics(l.clientId(), settings.stateLayout());
        FirmwareDevice device = new FirmwareDevice(env.vertx(), c, http, l.clientId(), settings.firmware(),
            reported -> publishReport(l, report, reported), settings.failShare(),
            (long) (settings.applySeconds() * 1000), listener);
        ShadowTopics aws = new ShadowTopics(l.clientId(), false);
        ShadowTopics state = new ShadowTopics(l.clientId(), true);
        l.messageHandler((topic, payload, qos) -> {
          if (topic.equals(aws.delta()) || topic.equals(state.delta())) {
            onDelta(device, topic, payload);
          }
        });
        return l;
      }, l -> {
        ShadowTopics aws = new ShadowTopics(l.clientId(), false);
        ShadowTopics state = new ShadowTopics(l.clientId(), true);
        return l.subscribe(Map.of(aws.delta(), 1, state.delta(), 1));
      }));
    }
    long deadline = System.nanoTime() + (long) ((30 + plans.size() / Math.max(1, opts.connectRate())) * 1e9);
    return new Connector(env, connectLatency).open(plans, opts.connectRate(), deadline).compose(ok -> {
      links.addAll(ok);
      return ok.isEmpty() ? Future.failedFuture("no device could connect: " + counters.lastError())
          : Future.succeededFuture();
    });
  }

  private void onDelta(FirmwareDevice device, String topic, Buffer payload) {
    counters.delivered.increment();
    try {
      device.onDelta(payload.toJsonObject().getJsonObject("state", new JsonObject()));
    } catch (DecodeException | ClassCastException e) {
      counters.error("not a delta document on " + topic);
    }
  }

  private void publishReport(MqttLink link, ShadowTopics topics, JsonObject reported) {
    counters.sent.increment();
    JsonObject doc = new JsonObject().put("state", new JsonObject().put("reported", reported))
        .put("clientToken", topics.thing() + ":" + System.nanoTime());
    link.publish(topics.update(), doc.toBuffer(), 1, false)
        .onFailure(e -> counters.error("report " + topics.thing() + ": " + e.getMessage()));
  }

  private final FirmwareDevice.Listener listener = new FirmwareDevice.Listener() {
    @Override
    public void started(FirmwareDevice device, String version, String rolloutId) {
      started.increment();
    }

    @Override
    public void finished(FirmwareDevice device, FirmwareDevice.Outcome outcome, long totalNanos, long downloadNanos,
                         long bytes) {
      countFinished(outcome, totalNanos, downloadNanos, bytes);
    }
  };

  private void countFinished(FirmwareDevice.Outcome outcome, long totalNanos, long downloadNanos, long bytes) {
    switch (outcome) {
      case SUCCEEDED -> succeeded.increment();
      case DOWNLOAD_FAILED -> downloadFailed.increment();
      case APPLY_FAILED -> applyFailed.increment();
    }
    downloadedBytes.add(bytes);
    updateLatency.recordMicros(totalNanos / 1000);
    downloadLatency.recordMicros(downloadNanos / 1000);
  }

  @Override
  public Future<Void> run() {
    Promise<Void> done = Promise.promise();
    running = true;
    runStart = System.nanoTime();
    long intervalMs = Math.max(100, (long) (settings.reportIntervalSeconds() * 1000));
    for (MqttLink l : links) {
      ShadowTopics topics = new ShadowTopics(l.clientId(), settings.stateLayout());
      long uptimeStart = System.currentTimeMillis();
      // Spread the first reports over one interval so that devices do not report in lockstep.
      long first = 1 + ThreadLocalRandom.current().nextLong(intervalMs);
      env.vertx().setTimer(first, t -> {
        report(l, topics, uptimeStart);
        env.vertx().setPeriodic(intervalMs, id -> {
          if (!running) {
            env.vertx().cancelTimer(id);
          } else {
            report(l, topics, uptimeStart);
          }
        });
      });
    }
    long durationMs = Math.max(1, (long) (opts.durationSeconds() * 1000));
    env.vertx().setTimer(durationMs, t -> {
      running = false;
      runEnd = System.nanoTime();
      long until = System.nanoTime() + 10_000_000_000L;
      env.vertx().setPeriodic(100, id -> {
        long finished = succeeded.sum() + downloadFailed.sum() + applyFailed.sum();
        if (finished >= started.sum() || System.nanoTime() > until) {
          env.vertx().cancelTimer(id);
          done.complete();
        }
      });
    });
    return done.future();
  }

  private void report(MqttLink l, ShadowTopics topics, long uptimeStart) {
    if (running && l.isConnected()) {
      publishReport(l, topics, new JsonObject().put("uptime", (System.currentTimeMillis() - uptimeStart) / 1000)
          .put("rssi", -40 - ThreadLocalRandom.current().nextInt(50)));
    }
  }

  @Override
  public Result result() {
    Result r = new Result();
    r.scenario = "fleet";
    r.connections = (long) links.size();
    r.connectFailures = counters.connectFailures.sum();
    r.sent = counters.sent.sum();
    r.delivered = counters.delivered.sum();
    r.errors = counters.errors.sum();
    r.lastError = counters.lastError();
    double secs = (runEnd - runStart) / 1e9;
    r.durationSeconds = secs;
    r.windowStartNanos = runStart;
    r.windowEndNanos = runEnd;
    r.msgsPerSecIn = secs > 0 ? r.sent / secs : 0.0;
    r.msgsPerSecOut = secs > 0 ? r.delivered / secs : 0.0;
    r.histograms.put("latencyMs", updateLatency.snapshot());
    r.histograms.put("downloadLatencyMs", downloadLatency.snapshot());
    r.histograms.put("connectLatencyMs", connectLatency.snapshot());
    r.extra.put("firmwareStarted", started.sum());
    r.extra.put("firmwareSucceeded", succeeded.sum());
    r.extra.put("downloadFailed", downloadFailed.sum());
    r.extra.put("applyFailed", applyFailed.sum());
    r.extra.put("downloadedBytes", downloadedBytes.sum());
    return r;
  }

  @Override
  public Future<Void> close() {
    List<Future<Void>> fs = new ArrayList<>();
    for (MqttLink l : links) {
      fs.add(l.disconnect().onComplete(ar -> counters.connections.decrementAndGet()));
    }
    return Future.join(fs).compose(v -> http.close()).mapEmpty();
  }
}
