package io.shadowmq.loadtest.scenario;

import io.shadowmq.loadtest.metrics.Counters;
import io.shadowmq.loadtest.metrics.Result;
import io.vertx.core.Future;

/**
 * A load scenario in one process: {@link #setup} connects and subscribes, then (once every
 * worker process is ready) {@link #run} does the measured part and stops by itself.
 */
public interface Scenario {
  String name();

  Future<Void> setup();

  Future<Void> run();

  Counters counters();

  /** This process's numbers; valid after {@link #run} completed. */
  Result result();

  /** Disconnects every client. */
  Future<Void> close();
}
