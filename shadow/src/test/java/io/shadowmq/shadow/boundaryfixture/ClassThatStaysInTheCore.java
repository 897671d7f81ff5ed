package io.shadowmq.shadow.boundaryfixture;

import io.vertx.core.Future;

/** Test fixture: uses only what the core may use, so the boundary rule must pass it. */
public final class ClassThatStaysInTheCore {
  public Future<String> greet(String name) {
    return Future.succeededFuture("hello " + name);
  }
}
