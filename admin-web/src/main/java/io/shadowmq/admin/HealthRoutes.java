package io.shadowmq.admin;

import io.shadowmq.shadow.port.NodeHealth;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.time.Duration;

/**
 * {@code /health/live} (the event loops run tasks: a process to restart when it fails) and
 * {@code /health/ready} (listeners bound and storage reachable: one to send traffic to). 200 or
 * 503, with the checks in the body. No token needed.
 */
final class HealthRoutes {
  private static final Duration LIVE_WITHIN = Duration.ofSeconds(2);

  private final NodeHealth health;

  HealthRoutes(NodeHealth health) {
    this.health = health;
  }

  void mount(Router r) {
    r.get("/health/live").handler(ctx -> health.eventLoopsAnswer(LIVE_WITHIN).onComplete(ar -> {
      JsonObject body = new JsonObject().put("status", ar.succeeded() ? "up" : "down")
          .put("checks", new JsonObject().put("eventLoops", ar.succeeded()));
      ctx.response().setStatusCode(ar.succeeded() ? 200 : 503)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer());
    }));
    r.get("/health/ready").handler(ctx -> {
      boolean listeners = health.listenersBound();
      boolean storage = health.storageReachable();
      boolean ready = listeners && storage;
      JsonObject body = new JsonObject().put("status", ready ? "ready" : "not ready")
          .put("checks", new JsonObject().put("listeners", listeners).put("storage", storage));
      ctx.response().setStatusCode(ready ? 200 : 503)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer());
    });
  }
}
