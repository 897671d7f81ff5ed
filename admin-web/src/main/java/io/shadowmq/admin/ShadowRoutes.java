package io.shadowmq.admin;

import io.shadowmq.shadow.port.ShadowReplies;
import io.shadowmq.shadow.service.ShadowService;
import io.shadowmq.shadow.state.ShadowKey;
import io.shadowmq.shadow.state.ShadowOperation;
import io.shadowmq.shadow.state.ShadowOutcome;
import io.shadowmq.shadow.state.ShadowRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code /api/v1/devices/{id}/shadow[?name=]}: the application side of the shadow, through the same
 * shadow service as MQTT (same merge, versions, limits, rejections). The replies are published on
 * the shadow's MQTT topics as well, so the device gets its {@code delta}. A rejection is answered
 * with its code as the HTTP status and the shadow service's message.
 */
final class ShadowRoutes {
  private final ShadowService shadows;
  private final ShadowReplies replies;

  ShadowRoutes(ShadowService shadows, ShadowReplies replies) {
    this.shadows = shadows;
    this.replies = replies;
  }

  /** Adds the routes to the API router (mounted at {@code /api/v1}). */
  void mount(Router r, BodyHandler body) {
    r.get("/devices/:id/shadow").respond(ctx -> serve(ctx, ShadowOperation.GET, Buffer.buffer()));
    r.patch("/devices/:id/shadow").handler(body).respond(ctx -> serve(ctx, ShadowOperation.UPDATE, ctx.body().buffer()));
    r.delete("/devices/:id/shadow").respond(ctx -> serve(ctx, ShadowOperation.DELETE, Buffer.buffer()));
    r.get("/devices/:id/shadows").respond(ctx -> shadows.names(ctx.pathParam("id"))
        .map(names -> new JsonObject().put("thing", ctx.pathParam("id")).put("names", new JsonArray(names))));
  }

  private Future<JsonObject> serve(RoutingContext ctx, ShadowOperation op, Buffer body) {
    String name = ctx.queryParams().get("name");
    ShadowKey key = name == null ? ShadowKey.classic(ctx.pathParam("id")) : ShadowKey.named(ctx.pathParam("id"), name);
    byte[] payload = body == null ? new byte[0] : body.getBytes();
    return shadows.handle(new ShadowRequest(key, op, payload)).compose(outcome -> {
      if (!outcome.isAccepted()) {
        return Future.failedFuture(rejection(outcome));
      }
      if (op != ShadowOperation.GET) { // a read changes nothing devices need to hear of
        replies.publish(outcome);
      }
      return Future.succeededFuture(outcome.answer().body());
    });
  }

  private static ApiError rejection(ShadowOutcome outcome) {
    JsonObject body = outcome.answer().body();
    int code = outcome.code();
    String error = switch (code) {
      case 400 -> "invalid_shadow_request";
      case 404 -> "shadow_not_found";
      case 409 -> "version_conflict";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_encoding";
      case 429 -> "too_many_requests";
      case 503 -> "storage_unavailable";
      default -> "internal_error";
    };
    return new ApiError(code, error, body.getString("message"));
  }
}
