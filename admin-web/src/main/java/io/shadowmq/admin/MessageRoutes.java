package io.shadowmq.admin;

import io.shadowmq.shadow.port.Publisher;
import io.shadowmq.shadow.port.RetainedAccess;
import io.shadowmq.shadow.port.RetainedEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * {@code /api/v1/retained} (list by topic filter, delete one topic's) and {@code /api/v1/publish}
 * (publish as the broker). Payloads travel as text ({@code payload}) or, for bytes that are not
 * UTF-8, as base64 ({@code payloadBase64}).
 */
final class MessageRoutes {
  private final RetainedAccess retained;
  private final Publisher publisher;

  MessageRoutes(RetainedAccess retained, Publisher publisher) {
    this.retained = retained;
    this.publisher = publisher;
  }

  void mountRetained(Router r) {
    r.get("/retained").respond(ctx -> {
      String filter = ctx.queryParams().get("filter");
      filter = filter == null ? "#" : filter;
      String problem = retained.filterProblem(filter);
      if (problem != null) {
        throw ApiError.invalidField("filter", problem);
      }
      int limit = Paging.limit(ctx);
      JsonArray items = new JsonArray();
      for (RetainedEntry e : retained.list(filter, limit)) {
        items.add(payload(new JsonObject().put("topic", e.topic()).put("qos", e.qos()), e.payload()));
      }
      return io.vertx.core.Future.succeededFuture(new JsonObject().put("items", items));
    });
    r.delete("/retained").handler(ctx -> {
      String topic = ctx.queryParams().get("topic");
      if (topic == null) {
        throw ApiError.invalidField("topic", "is required");
      }
      String problem = retained.topicProblem(topic);
      if (problem != null) {
        throw ApiError.invalidField("topic", problem);
      }
      if (retained.delete(topic)) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.fail(ApiError.notFound("retained_not_found", "no retained message on " + topic));
      }
    });
  }

  void mountPublish(Router r, BodyHandler body) {
    r.post("/publish").handler(body).respond(this::publish);
  }

  private io.vertx.core.Future<JsonObject> publish(RoutingContext ctx) {
    JsonObject in = JsonInput.object(ctx, Set.of("topic", "payload", "payloadBase64", "qos", "retain"));
    String topic = JsonInput.string(in, "topic", true);
    String problem = publisher.topicProblem(topic);
    if (problem != null) {
      throw ApiError.invalidField("topic", problem);
    }
    String text = JsonInput.string(in, "payload", false);
    String b64 = JsonInput.string(in, "payloadBase64", false);
    if (text != null && b64 != null) {
      throw ApiError.invalidField("payloadBase64", "give payload or payloadBase64, not both");
    }
    byte[] payload = b64 != null ? JsonInput.base64(b64, "payloadBase64")
        : text != null ? text.getBytes(StandardCharsets.UTF_8) : new byte[0];
    int qos = JsonInput.integer(in, "qos", 0, 2, 0);
    Boolean retain = JsonInput.bool(in, "retain");
    int receivers = publisher.publish(topic, payload, qos, retain != null && retain);
    return io.vertx.core.Future.succeededFuture(new JsonObject().put("topic", topic).put("receivers", receivers));
  }

  /** Adds the payload as text when it is UTF-8, and always as base64. */
  private static JsonObject payload(JsonObject json, byte[] payload) {
    try {
      json.put("payload", StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(payload)).toString());
    } catch (CharacterCodingException e) {
      json.putNull("payload");
    }
    return json.put("payloadBase64", Base64.getEncoder().encodeToString(payload));
  }
}
