package io.shadowmq.loadtest.scenario;

import io.shadowmq.loadtest.client.MqttLink;
import io.shadowmq.loadtest.metrics.Counters;
import io.shadowmq.loadtest.metrics.Latency;
import io.shadowmq.loadtest.metrics.Result;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;

/**
 * Ramps N connections at a target rate, then holds them idle (keep-alive only). The broker's
 * memory is measured by the runner between the two phases.
 */
public final class ConnectScenario implements Scenario {
  private final ScenarioEnv env;
  private final RunOptions opts;
  private final long clients;
  private final double holdSeconds;
  private final Counters counters;
  private final Latency connectLatency = new Latency();
  private final List<MqttLink> links = new ArrayList<>();
  private long rampStart;
  private long rampEnd;
  private long connectedAfterRamp;

  public ConnectScenario(ScenarioEnv env, long clients, double holdSeconds) {
    if (clients < 1) {
      throw new IllegalArgumentException("--clients must be at least 1");
    }
    this.env = env;
    this.opts = env.options();
    this.clients = clients;
    this.holdSeconds = opts.timed() ? Math.min(holdSeconds, opts.durationSeconds()) : holdSeconds;
    this.counters = env.counters();
  }

  @Override
  public String name() {
    return "connect";
  }

  @Override
  public Counters counters() {
    return counters;
  }

  @Override
  public Future<Void> setup() {
    Share share = opts.share(clients);
    List<Connector.Plan> plans = new ArrayList<>();
    for (long i = share.start(); i < share.end(); i++) {
      long idx = i;
      plans.add(new Connector.Plan(idx, c -> env.links().create(c, env.clientId("conn", idx), opts.persistent()),
          l -> Future.succeededFuture()));
    }
    double localRate = opts.connectRate() * share.size() / clients;
    long deadline = System.nanoTime()
        + (long) ((share.size() / Math.max(1, localRate) + env.links().settings().connectTimeoutSeconds() + 5) * 1e9);
    rampStart = System.nanoTime();
    return new Connector(env, connectLatency).open(plans, localRate, deadline).map(ok -> {
      rampEnd = System.nanoTime();
      links.addAll(ok);
      connectedAfterRamp = ok.size();
      return null;
    });
  }

  @Override
  public Future<Void> run() {
    Promise<Void> held = Promise.promise();
    env.vertx().setTimer(Math.max(1, (long) (holdSeconds * 1000)), t -> held.complete());
    return held.future();
  }

  @Override
  public Result result() {
    Result r = new Result();
    r.scenario = "connect";
    r.connections = connectedAfterRamp;
    r.connectFailures = counters.connectFailures.sum();
    double rampSecs = (rampEnd - rampStart) / 1e9;
    r.connectRate = rampSecs > 0 ? connectedAfterRamp / rampSecs : null;
    r.durationSeconds = rampSecs + holdSeconds;
    // CPU is read over the ramp: holding idle connections costs next to nothing.
    r.windowStartNanos = rampStart;
    r.windowEndNanos = rampEnd;
    r.errors = counters.errors.sum();
    r.lastError = counters.lastError();
    r.histograms.put("latencyMs", connectLatency.snapshot());
    r.extra.put("connectedAtEnd", counters.connections.get());
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
}
