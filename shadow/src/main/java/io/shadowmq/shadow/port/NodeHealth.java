package io.shadowmq.shadow.port;

import io.vertx.core.Future;

import java.time.Duration;

/** The node's health, for liveness and readiness probes. */
public interface NodeHealth {

  /** Succeeds when every event loop ran a task within {@code within}; fails otherwise. */
  Future<Void> eventLoopsAnswer(Duration within);

  /** True when every configured listener is bound. */
  boolean listenersBound();

  /** True when storage answers (always true without storage, {@code --in-memory}). */
  boolean storageReachable();
}
