package io.shadowmq.loadtest.scenario;

import io.shadowmq.loadtest.client.MqttLink;
import io.shadowmq.loadtest.metrics.Counters;
import io.shadowmq.loadtest.metrics.Latency;
import io.shadowmq.loadtest.metrics.Pacer;
import io.shadowmq.loadtest.metrics.Result;
import io.shadowmq.loadtest.metrics.SequenceTracker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Publishers and subscribers on a topic pattern: fan-in (many publishers, wildcard
 * subscribers), shared (fan-in to a {@code $share} group), point-to-point pairs, or fan-out (one
 * topic, many subscribers). Fixed total rate or as fast as the broker takes, with QoS 1/2 bounded
 * by in-flight messages per publisher. Every message carries its sender, number and send time,
 * so the subscribers count losses, duplicates, reordering and latency.
 */
public final class PubSubScenario implements Scenario {
  /** How publishers and subscribers are wired by topics. */
  public enum Pattern { FANIN, FANOUT, P2P, SHARED;

    public static Pattern parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  private final ScenarioEnv env;
  private final RunOptions opts;
  private final Pattern pattern;
  private final int publishers;
  private final int subscribers;
  private final double rate;
  private final double drainSeconds;
  private final double warmupSeconds;
  private final Counters counters;
  private final Latency latency = new Latency();
  private final Latency connectLatency = new Latency();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder outOfOrder = new LongAdder();
  private final LongAdder inflight = new LongAdder();
  private final AtomicLong lastDeliveryNanos = new AtomicLong();
  private final List<Publisher> pubs = new ArrayList<>();
  private final List<MqttLink> links = new ArrayList<>();
  private final List<Pacer> pacers = new ArrayList<>();
  private volatile boolean publishing;
  // Messages sent before this instant warm up both sides (JIT, buffers) and are not counted.
  private volatile long measureStart = Long.MAX_VALUE;
  private long runStart;
  private long runEnd;

  public PubSubScenario(ScenarioEnv env, Pattern pattern, int publishers, int subscribers, double rate,
                        double warmupSeconds, double drainSeconds) {
    if (publishers < 1 || subscribers < 1) {
      throw new IllegalArgumentException("pubsub needs at least one publisher and one subscriber");
    }
    if (pattern == Pattern.P2P && publishers != subscribers) {
      throw new IllegalArgumentException("p2p pairs publishers with subscribers: --publishers must equal --subscribers");
    }
    this.env = env;
    this.opts = env.options();
    this.pattern = pattern;
    this.publishers = publishers;
    this.subscribers = subscribers;
    this.rate = rate;
    this.drainSeconds = drainSeconds;
    this.warmupSeconds = Math.max(0, warmupSeconds);
    this.counters = env.counters();
  }

  @Override
  public String name() {
    return "pubsub";
  }

  @Override
  public Counters counters() {
    return counters;
  }

  /** Deliveries each published message should cause. */
  double expectedPerSent() {
    return switch (pattern) {
      case FANIN, FANOUT -> subscribers;
      case P2P, SHARED -> 1;
    };
  }

  String filter(long subscriber) {
    return switch (pattern) {
      case FANIN -> env.topic("fanin/+");
      case SHARED -> "$share/lt" + opts.runId() + "/" + env.topic("shared/+");
      case P2P -> env.topic("p2p/" + subscriber);
      case FANOUT -> env.topic("fanout");
    };
  }

  String topic(long publisher) {
    return switch (pattern) {
      case FANIN -> env.topic("fanin/" + publisher);
      case SHARED -> env.topic("shared/" + publisher);
      case P2P -> env.topic("p2p/" + publisher);
      case FANOUT -> env.topic("fanout");
    };
  }

  /**
   * Fan-in gives its few subscribers an event loop of their own: sharing one with busy publishers
   * delays their reads and acknowledgements, and the broker then sees a slow consumer.
   */
  private boolean isolateSubscribers() {
    return (pattern == Pattern.FANIN || pattern == Pattern.SHARED) && env.contexts().size() > 1;
  }

  long subscriberLoop(long i) {
    return isolateSubscribers() ? 0 : i;
  }

  long publisherLoop(long j) {
    int n = env.contexts().size();
    return isolateSubscribers() ? 1 + Math.floorMod(j, n - 1) : j;
  }

  @Override
  public Future<Void> setup() {
    Share subShare = opts.share(subscribers);
    Share pubShare = opts.share(publishers);
    List<Connector.Plan> subPlans = new ArrayList<>();
    for (long i = subShare.start(); i < subShare.end(); i++) {
      long idx = i;
      subPlans.add(new Connector.Plan(subscriberLoop(idx), c -> {
        MqttLink l = env.links().create(c, env.clientId("sub", idx), opts.persistent());
        Receiver r = new Receiver();
        l.messageHandler(r::onMessage);
        return l;
      }, l -> l.subscribe(Map.of(filter(idx), opts.qos()))));
    }
    List<Connector.Plan> pubPlans = new ArrayList<>();
    for (long j = pubShare.start(); j < pubShare.end(); j++) {
      long idx = j;
      pubPlans.add(new Connector.Plan(publisherLoop(idx), c -> env.links().create(c, env.clientId("pub", idx), opts.persistent()),
          l -> Future.succeededFuture()));
    }
    Connector connector = new Connector(env, connectLatency);
    long total = subPlans.size() + pubPlans.size();
    long deadline = System.nanoTime() + (long) ((30 + total / Math.max(1, opts.connectRate())) * 1e9);
    return connector.open(subPlans, opts.connectRate(), deadline)
        .compose(subs -> {
          links.addAll(subs);
          return connector.open(pubPlans, opts.connectRate(), deadline);
        })
        .compose(ps -> {
          links.addAll(ps);
          for (MqttLink l : ps) {
            long idx = Long.parseLong(l.clientId().substring(l.clientId().lastIndexOf('-') + 1));
            long quota = opts.count() > 0 ? Share.of(opts.count(), (int) idx, publishers).size() : Long.MAX_VALUE;
            pubs.add(new Publisher((int) idx, l, env.context(publisherLoop(idx)), topic(idx), quota));
          }
          long failed = counters.connectFailures.sum();
          return failed == 0 ? Future.<Void>succeededFuture()
              : Future.<Void>failedFuture(failed + " of " + total + " clients could not connect or subscribe; last: "
                  + counters.lastError());
        });
  }

  @Override
  public Future<Void> run() {
    Promise<Void> done = Promise.promise();
    publishing = true;
    long t0 = System.nanoTime();
    runStart = t0 + (long) (warmupSeconds * 1e9);
    measureStart = runStart;
    lastDeliveryNanos.set(runStart);
    Map<Context, List<Publisher>> byContext = new HashMap<>();
    pubs.forEach(p -> byContext.computeIfAbsent(p.context, k -> new ArrayList<>()).add(p));
    double localRate = rate * pubs.size() / publishers;
    byContext.forEach((ctx, ps) -> ctx.runOnContext(v -> drive(ps, localRate * ps.size() / Math.max(1, pubs.size()))));
    long endAt = opts.timed() ? runStart + (long) (opts.durationSeconds() * 1e9) : Long.MAX_VALUE;
    env.vertx().setPeriodic(20, id -> {
      boolean quotaDone = pubs.stream().allMatch(p -> p.sent >= p.quota);
      if (System.nanoTime() >= endAt || quotaDone) {
        env.vertx().cancelTimer(id);
        publishing = false;
        runEnd = System.nanoTime();
        drain().onComplete(ar -> done.complete());
      }
    });
    return done.future();
  }

  /** Keeps a loop's publishers sending: paced by a timer, or refilled on every completion when unlimited. */
  private void drive(List<Publisher> ps, double perSecond) {
    if (rate <= 0) {
      ps.forEach(Publisher::fill);
      return;
    }
    Pacer pacer = new Pacer(perSecond, System.nanoTime());
    synchronized (pacers) {
      pacers.add(pacer);
    }
    int[] next = {0};
    env.vertx().setPeriodic(2, id -> {
      if (!publishing) {
        env.vertx().cancelTimer(id);
        return;
      }
      long due = pacer.due(System.nanoTime());
      int idle = 0;
      due = Math.min(due, 10_000);
      while (due > 0 && idle < ps.size()) {
        Publisher p = ps.get(next[0]);
        next[0] = (next[0] + 1) % ps.size();
        if (p.canSend()) {
          p.send();
          pacer.issued(1);
          due--;
          idle = 0;
        } else {
          idle++;
        }
      }
    });
  }

  /** Waits for acknowledgements and deliveries still on their way, at most the drain time. */
  private Future<Void> drain() {
    Promise<Void> drained = Promise.promise();
    long until = System.nanoTime() + (long) (drainSeconds * 1e9);
    long[] last = {-1};
    long[] stableSince = {System.nanoTime()};
    env.vertx().setPeriodic(100, id -> {
      long now = System.nanoTime();
      long delivered = counters.delivered.sum();
      if (delivered != last[0]) {
        last[0] = delivered;
        stableSince[0] = now;
      }
      boolean allArrived = opts.workerCount() == 1
          && delivered - duplicates.sum() >= Math.round(counters.sent.sum() * expectedPerSent());
      boolean quiet = inflight.sum() == 0 && now - stableSince[0] > 1_000_000_000L;
      if ((inflight.sum() == 0 && allArrived) || quiet || now > until) {
        env.vertx().cancelTimer(id);
        drained.complete();
      }
    });
    return drained.future();
  }

  @Override
  public Result result() {
    Result r = new Result();
    r.scenario = "pubsub";
    r.connections = (long) links.size();
    r.connectFailures = counters.connectFailures.sum();
    r.sent = counters.sent.sum();
    r.delivered = counters.delivered.sum();
    r.duplicated = duplicates.sum();
    r.outOfOrder = outOfOrder.sum();
    r.errors = counters.errors.sum();
    r.lastError = counters.lastError();
    double secs = (runEnd - runStart) / 1e9;
    r.durationSeconds = secs;
    r.msgsPerSecIn = secs > 0 ? r.sent / secs : 0.0;
    double outSecs = (lastDeliveryNanos.get() - runStart) / 1e9;
    r.msgsPerSecOut = outSecs > 0 ? r.delivered / outSecs : 0.0;
    r.expectedPerSent = expectedPerSent();
    r.windowStartNanos = runStart;
    r.windowEndNanos = runEnd;
    r.histograms.put("latencyMs", latency.snapshot());
    r.histograms.put("connectLatencyMs", connectLatency.snapshot());
    r.extra.put("unacknowledged", inflight.sum());
    synchronized (pacers) {
      r.extra.put("behindRate", pacers.stream().mapToLong(Pacer::behind).sum());
    }
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

  /** One publishing client; touched only on its own context. */
  private final class Publisher {
    final int index;
    final MqttLink link;
    final Context context;
    final String topic;
    final long quota;
    long seq;
    volatile long sent;
    int unfinished;
    boolean filling;

    Publisher(int index, MqttLink link, Context context, String topic, long quota) {
      this.index = index;
      this.link = link;
      this.context = context;
      this.topic = topic;
      this.quota = quota;
    }

    boolean canSend() {
      return publishing && sent < quota && unfinished < opts.maxInflight() && link.isConnected();
    }

    /**
     * Sends until the window is full. A write may complete inside {@code publish}, so a nested
     * call returns at once, and a long streak yields the event loop so that it can read.
     */
    void fill() {
      if (filling) {
        return;
      }
      filling = true;
      try {
        for (int i = 0; i < 256 && canSend(); i++) {
          send();
        }
      } finally {
        filling = false;
      }
      if (canSend()) {
        context.runOnContext(v -> fill());
      }
    }

    void send() {
      long now = System.nanoTime();
      long seq = this.seq++;
      boolean measured = now >= measureStart;
      if (measured) {
        sent++;
        counters.sent.increment();
      }
      unfinished++;
      inflight.increment();
      Buffer payload = Payloads.encode(index, seq, now, measured, opts.payloadBytes());
      link.publish(topic, payload, opts.qos(), false).onComplete(ar -> {
        unfinished--;
        inflight.decrement();
        if (ar.failed()) {
          counters.error("publish " + link.clientId() + ": " + ar.cause().getMessage());
        }
        if (rate <= 0) {
          fill();
        }
      });
    }
  }

  /** One subscribing client's view of each sender's sequence; touched only on its own context. */
  private final class Receiver {
    final Map<Integer, SequenceTracker> bySender = new HashMap<>();

    void onMessage(String topic, Buffer payload, int qos) {
      long now = System.nanoTime();
      if (!Payloads.valid(payload)) {
        counters.error("foreign message on " + topic);
        return;
      }
      if (!Payloads.measured(payload)) {
        return;
      }
      long sentAt = Payloads.sendNanos(payload);
      latency.recordNanosSince(sentAt, now);
      counters.delivered.increment();
      lastDeliveryNanos.accumulateAndGet(now, Math::max);
      SequenceTracker t = bySender.computeIfAbsent(Payloads.sender(payload), k -> new SequenceTracker());
      long ooo = t.outOfOrder();
      if (!t.record(Payloads.seq(payload))) {
        duplicates.increment();
      } else if (t.outOfOrder() != ooo) {
        outOfOrder.increment();
      }
    }
  }
}
