package io.shadowmq.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reads a request's JSON body and its members, refusing each wrong one with a 400 that names it. */
final class JsonInput {
  private JsonInput() {
  }

  /** The body as a JSON object; {@code allowed} lists the members it may have. */
  static JsonObject object(RoutingContext ctx, Set<String> allowed) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw new ApiError(400, "invalid_json", "a JSON object body is required");
    }
    Object parsed;
    try {
      parsed = body.toJsonValue();
    } catch (DecodeException e) {
      throw new ApiError(400, "invalid_json", "the body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject o)) {
      throw new ApiError(400, "invalid_json", "the body must be a JSON object");
    }
    for (String name : o.fieldNames()) {
      if (!allowed.contains(name)) {
        throw ApiError.invalidField(name, "unknown member; expected " + String.join(", ", allowed));
      }
    }
    return o;
  }

  /** As {@link #object}, but an empty body is an empty object (for bodies that are optional). */
  static JsonObject optionalObject(RoutingContext ctx, Set<String> allowed) {
    Buffer body = ctx.body().buffer();
    return body == null || body.length() == 0 ? new JsonObject() : object(ctx, allowed);
  }

  /** A string member, or null when absent (required: a 400 then). */
  static String string(JsonObject o, String name, boolean required) {
    Object v = o.getValue(name);
    if (v == null) {
      if (required) {
        throw ApiError.invalidField(name, "is required");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw ApiError.invalidField(name, "must be a string");
    }
    return s;
  }

  /** A boolean member, or null when absent. */
  static Boolean bool(JsonObject o, String name) {
    Object v = o.getValue(name);
    if (v != null && !(v instanceof Boolean)) {
      throw ApiError.invalidField(name, "must be true or false");
    }
    return (Boolean) v;
  }

  /** An integer member within bounds, or {@code otherwise} when absent. */
  static int integer(JsonObject o, String name, int min, int max, int otherwise) {
    Object v = o.getValue(name);
    if (v == null) {
      return otherwise;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min
        || n.doubleValue() > max) {
      throw ApiError.invalidField(name, "must be a whole number from " + min + " to " + max);
    }
    return n.intValue();
  }

  /** A member that is an object of strings (tags, selectors), or null when absent. */
  static Map<String, String> stringMap(JsonObject o, String name) {
    Object v = o.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject m)) {
      throw ApiError.invalidField(name, "must be an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : m.fieldNames()) {
      if (!(m.getValue(key) instanceof String s)) {
        throw ApiError.invalidField(name + "." + key, "must be a string");
      }
      out.put(key, s);
    }
    return out;
  }

  /** Base64 text (standard alphabet), decoded; a 400 naming the member when it is not. */
  static byte[] base64(String text, String name) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw ApiError.invalidField(name, "is not base64");
    }
  }
}
