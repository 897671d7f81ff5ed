package io.shadowmq.admin;

import io.shadowmq.shadow.port.DeviceGateway;
import io.shadowmq.shadow.port.MethodCall;
import io.shadowmq.shadow.port.MethodResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/**
 * {@code POST /api/v1/devices/{id}/methods/{name}}: a direct method call. The device gets the
 * request's {@code payload} (JSON) on {@code $iothub/methods/POST/{name}/?$rid=...}; its answer
 * comes back as {@code {"status", "payload"}} with HTTP 200 whatever status the device chose.
 * 404 when the device is not connected (or not subscribed to method requests), 504 when it does
 * not answer within {@code responseTimeoutInSeconds}.
 */
final class MethodRoutes {
  static final int DEFAULT_TIMEOUT = 30;
  static final int MAX_TIMEOUT = 300;

  private final DeviceGateway gateway;

  MethodRoutes(DeviceGateway gateway) {
    this.gateway = gateway;
  }

  void mount(Router r, BodyHandler body) {
    r.post("/devices/:id/methods/:name").handler(body).respond(this::invoke);
  }

  private Future<JsonObject> invoke(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String method = ctx.pathParam("name");
    String problem = MethodCall.methodProblem(method);
    if (problem != null) {
      throw ApiError.invalidField("name", problem);
    }
    JsonObject in = JsonInput.optionalObject(ctx, Set.of("payload", "responseTimeoutInSeconds"));
    int timeout = JsonInput.integer(in, "responseTimeoutInSeconds", 1, MAX_TIMEOUT, DEFAULT_TIMEOUT);
    Object payload = in.containsKey("payload") ? in.getValue("payload") : new JsonObject();
    byte[] request = Json.encodeToBuffer(payload).getBytes();
    return gateway.invoke(new MethodCall(id, method, request, Duration.ofSeconds(timeout))).compose(result -> {
      if (result.outcome() == MethodResult.Outcome.OFFLINE) {
        return Future.failedFuture(ApiError.notFound("device_offline",
            "device " + id + " is not connected, or not subscribed to $iothub/methods/POST/#"));
      }
      if (result.outcome() == MethodResult.Outcome.TIMED_OUT) {
        return Future.failedFuture(new ApiError(504, "method_timeout",
            "device " + id + " did not answer " + method + " within " + timeout + " s"));
      }
      return Future.succeededFuture(new JsonObject().put("status", result.status()).put("payload", answer(result.payload())));
    });
  }

  /** The device's answer: its JSON value, or the text when it is not JSON, or null when empty. */
  private static Object answer(byte[] payload) {
    if (payload.length == 0) {
      return null;
    }
    try {
      return Buffer.buffer(payload).toJsonValue();
    } catch (DecodeException e) {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }
}
