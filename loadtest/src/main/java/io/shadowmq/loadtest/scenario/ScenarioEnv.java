package io.shadowmq.loadtest.scenario;

import io.shadowmq.loadtest.client.LinkFactory;
import io.shadowmq.loadtest.metrics.Counters;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;

/**
 * What a scenario runs on: Vert.x, one context per event loop (clients are spread over them),
 * the link factory, the live counters and the run options.
 */
public final class ScenarioEnv {
  private final Vertx vertx;
  private final List<Context> contexts;
  private final LinkFactory links;
  private final Counters counters = new Counters();
  private final RunOptions options;

  public ScenarioEnv(Vertx vertx, int eventLoops, LinkFactory links, RunOptions options) {
    this.vertx = vertx;
    this.links = links;
    this.options = options;
    List<Context> cs = new ArrayList<>();
    for (int i = 0; i < eventLoops; i++) {
      // Outside a Vert.x thread every call makes a new context on the next event loop.
      cs.add(vertx.getOrCreateContext());
    }
    this.contexts = List.copyOf(cs);
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The context for client number n (round robin over the event loops). */
  public Context context(long n) {
    return contexts.get((int) Math.floorMod(n, (long) contexts.size()));
  }

  public List<Context> contexts() {
    return contexts;
  }

  public LinkFactory links() {
    return links;
  }

  public Counters counters() {
    return counters;
  }

  public RunOptions options() {
    return options;
  }

  /** A client id: the prefix, a role and a global index, e.g. {@code lt-pub-12}. */
  public String clientId(String role, long index) {
    return options.clientPrefix() + role + "-" + index;
  }

  /** A topic under this run's namespace, e.g. {@code lt/3f9a1c/fanin/12}. */
  public String topic(String suffix) {
    return options.topicPrefix() + "/" + options.runId() + "/" + suffix;
  }
}
