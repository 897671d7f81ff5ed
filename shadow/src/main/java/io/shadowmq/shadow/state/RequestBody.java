package io.shadowmq.shadow.state;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request's JSON body, checked in AWS's order: UTF-8, JSON, clientToken, then (for an update) the
 * state node, its sections, the version and the nesting depth. Fields AWS does not know (for example
 * {@code thingName}) are ignored, as AWS ignores them.
 */
final class RequestBody {
  /** A request that cannot be served, with the clientToken when it could be read. */
  static final class Rejection extends Exception {
    final ShadowError error;
    final String clientToken;

    Rejection(ShadowError error, String clientToken) {
      super(error.message(), null, false, false);
      this.error = error;
      this.clientToken = clientToken;
    }
  }

  final JsonObject json;
  final String clientToken;
  /** The state node of an update, or null. */
  final JsonObject state;
  /** The version the update expects, or null when it names none. */
  final Long version;

  private RequestBody(JsonObject json, String clientToken, JsonObject state, Long version) {
    this.json = json;
    this.clientToken = clientToken;
    this.state = state;
    this.version = version;
  }

  /** Parses and checks a body; get and delete may send none. */
  static RequestBody parse(byte[] payload, ShadowOperation operation, ShadowLimits limits) throws Rejection {
    if (!isUtf8(payload)) {
      throw new Rejection(ShadowError.NOT_UTF8, null);
    }
    if (payload.length == 0 && operation != ShadowOperation.UPDATE) {
      return new RequestBody(new JsonObject(), null, null, null);
    }
    JsonObject json = decode(payload);
    String clientToken = clientToken(json, limits);
    if (operation != ShadowOperation.UPDATE) {
      return new RequestBody(json, clientToken, null, null);
    }
    if (!json.containsKey("state")) {
      throw new Rejection(ShadowError.MISSING_STATE, clientToken);
    }
    if (!(json.getValue("state") instanceof JsonObject state)) {
      throw new Rejection(ShadowError.STATE_NOT_OBJECT, clientToken);
    }
    for (String field : state.fieldNames()) {
      if (!field.equals("desired") && !field.equals("reported")) {
        throw new Rejection(ShadowError.INVALID_STATE_NODE, clientToken);
      }
    }
    Object desired = state.getValue("desired");
    if (desired != null && !(desired instanceof JsonObject)) {
      throw new Rejection(ShadowError.DESIRED_NOT_OBJECT, clientToken);
    }
    Object reported = state.getValue("reported");
    if (reported != null && !(reported instanceof JsonObject)) {
      throw new Rejection(ShadowError.REPORTED_NOT_OBJECT, clientToken);
    }
    Long version = version(json, clientToken);
    if (depth(desired) > limits.maxDepth() || depth(reported) > limits.maxDepth()) {
      throw new Rejection(ShadowError.tooDeep(limits.maxDepth()), clientToken);
    }
    return new RequestBody(json, clientToken, state, version);
  }

  /** The clientToken of a body, when it has a valid one; for rejections decided outside the engine. */
  static String clientTokenOf(byte[] payload, ShadowLimits limits) {
    try {
      return isUtf8(payload) && payload.length > 0 ? clientToken(decode(payload), limits) : null;
    } catch (Rejection e) {
      return null;
    }
  }

  private static JsonObject decode(byte[] payload) throws Rejection {
    Object value;
    try {
      value = Json.decodeValue(Buffer.buffer(payload));
    } catch (DecodeException e) {
      throw new Rejection(ShadowError.INVALID_JSON, null);
    }
    if (!(value instanceof JsonObject json)) {
      throw new Rejection(ShadowError.INVALID_JSON, null);
    }
    return json;
  }

  private static String clientToken(JsonObject json, ShadowLimits limits) throws Rejection {
    if (!json.containsKey("clientToken")) {
      return null;
    }
    if (!(json.getValue("clientToken") instanceof String token)) {
      throw new Rejection(ShadowError.INVALID_CLIENT_TOKEN, null);
    }
    if (token.getBytes(StandardCharsets.UTF_8).length > limits.maxClientTokenBytes()) {
      throw new Rejection(ShadowError.clientTokenTooLong(limits.maxClientTokenBytes()), null);
    }
    return token;
  }

  private static Long version(JsonObject json, String clientToken) throws Rejection {
    if (!json.containsKey("version")) {
      return null;
    }
    Object v = json.getValue("version");
    boolean integral = v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte;
    if (v instanceof BigInteger || !integral || ((Number) v).longValue() < 0) {
      throw new Rejection(ShadowError.INVALID_VERSION, clientToken);
    }
    return ((Number) v).longValue();
  }

  /** Levels of objects and arrays: a section {@code {"a": 1}} has depth 1, {@code {"a": {"b": 1}}} depth 2. */
  static int depth(Object value) {
    if (value instanceof JsonObject o) {
      int max = 0;
      for (String k : o.fieldNames()) {
        max = Math.max(max, depth(o.getValue(k)));
      }
      return max + 1;
    }
    if (value instanceof JsonArray a) {
      int max = 0;
      for (Object e : a) {
        max = Math.max(max, depth(e));
      }
      return max + 1;
    }
    return 0;
  }

  private static boolean isUtf8(byte[] payload) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
