package io.shadowmq.loadtest.scenario;

import io.shadowmq.loadtest.client.MqttLink;
import io.shadowmq.loadtest.metrics.Counters;
import io.shadowmq.loadtest.metrics.Latency;
import io.shadowmq.loadtest.metrics.Pacer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Opens many connections at a target rate over the event loops. Each client is set up (handlers,
 * subscriptions) by the caller's function; failures are counted, not fatal.
 */
final class Connector {
  private static final int MAX_PENDING = 5000;

  private final ScenarioEnv env;
  private final Latency connectLatency;

  Connector(ScenarioEnv env, Latency connectLatency) {
    this.env = env;
    this.connectLatency = connectLatency;
  }

  /** A client to open: its event loop (any number, taken round robin) and how to prepare it. */
  record Plan(long loop, Function<Context, MqttLink> create, Function<MqttLink, Future<Void>> afterConnect) {
  }

  /**
   * Opens the planned clients at {@code perSecond} (0: as fast as possible, at most
   * {@value #MAX_PENDING} pending); completes with the clients that succeeded when all are
   * settled or when {@code deadlineNanos} passes.
   */
  Future<List<MqttLink>> open(List<Plan> plans, double perSecond, long deadlineNanos) {
    Counters counters = env.counters();
    Promise<List<MqttLink>> done = Promise.promise();
    List<MqttLink> ok = new ArrayList<>();
    AtomicInteger settled = new AtomicInteger();
    AtomicInteger pending = new AtomicInteger();
    int[] next = {0};
    Context driver = env.contexts().get(0);
    if (plans.isEmpty()) {
      return Future.succeededFuture(ok);
    }
    Pacer pacer = new Pacer(perSecond, System.nanoTime());
    long waitMs = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
    long deadlineTimer = env.vertx().setTimer(waitMs, t -> {
      synchronized (ok) {
        done.tryComplete(new ArrayList<>(ok));
      }
    });
    done.future().onComplete(ar -> env.vertx().cancelTimer(deadlineTimer));
    driver.runOnContext(v -> env.vertx().setPeriodic(0, 5, id -> {
      if (done.future().isComplete()) {
        env.vertx().cancelTimer(id);
        return;
      }
      long now = System.nanoTime();
      long due = Math.min(pacer.due(now), MAX_PENDING - pending.get());
      for (long i = 0; i < due && next[0] < plans.size(); i++) {
        Plan p = plans.get(next[0]++);
        pacer.issued(1);
        pending.incrementAndGet();
        Context c = env.context(p.loop());
        c.runOnContext(x -> {
          long start = System.nanoTime();
          MqttLink link = p.create().apply(c);
          link.closeHandler(() -> {
            counters.connections.decrementAndGet();
            counters.error("connection lost: " + link.clientId());
          });
          link.connect()
              .onSuccess(y -> {
                connectLatency.recordNanosSince(start, System.nanoTime());
                counters.connections.incrementAndGet();
              })
              .compose(y -> p.afterConnect().apply(link))
              .onComplete(ar -> {
                pending.decrementAndGet();
                if (ar.succeeded()) {
                  synchronized (ok) {
                    ok.add(link);
                  }
                } else {
                  counters.connectFailures.increment();
                  counters.error(link.clientId() + ": " + ar.cause().getMessage());
                  if (link.isConnected()) {
                    link.disconnect();
                  }
                }
                if (settled.incrementAndGet() == plans.size()) {
                  synchronized (ok) {
                    done.tryComplete(new ArrayList<>(ok));
                  }
                }
              });
        });
      }
      if (next[0] >= plans.size()) {
        env.vertx().cancelTimer(id);
      }
    }));
    return done.future();
  }
}
