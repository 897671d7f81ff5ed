package io.shadowmq.shadow.rollout;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One device's execution of a rollout, as operators see it.
 *
 * @param wave      the wave that notified it, or -1
 * @param lastError {@code {"code", "message"}} of its last failure, or null
 * @param report    what the device last reported about this update ({@code status}, {@code progress},
 *                  {@code version}, {@code error}), where it was read; else null
 */
public record Execution(String rolloutId, String deviceId, ExecutionState state, int wave, int attempt,
                        String previousVersion, String skipReason, JsonObject lastError, Instant queuedAt,
                        Instant notifiedAt, Instant startedAt, Instant finishedAt, Instant updatedAt,
                        JsonObject report) {

  /**
   * The members of a device's firmware report shown to operators (the JSON text of what it reported),
   * those of the right types only; null when it is not an object or has none of them.
   */
  static JsonObject report(String json) {
    Object value = Json.decodeValue(json);
    if (!(value instanceof JsonObject reported)) {
      return null; // a device may report anything there, even a string
    }
    JsonObject o = new JsonObject();
    if (reported.getValue("status") instanceof String status) {
      o.put("status", status);
    }
    if (reported.getValue("progress") instanceof Number progress) {
      o.put("progress", progress);
    }
    if (reported.getValue("version") instanceof String version) {
      o.put("version", version);
    }
    if (reported.getValue("error") instanceof JsonObject error) {
      o.put("error", error);
    }
    return o.isEmpty() ? null : o;
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("rolloutId", rolloutId).put("device", deviceId).put("state", state.name())
        .put("attempt", attempt).put("queuedAt", queuedAt.toString()).put("updatedAt", updatedAt.toString());
    if (wave >= 0) {
      o.put("wave", wave);
    }
    put(o, "previousVersion", previousVersion);
    put(o, "skipReason", skipReason);
    if (lastError != null) {
      o.put("lastError", lastError);
    }
    put(o, "notifiedAt", notifiedAt);
    put(o, "startedAt", startedAt);
    put(o, "finishedAt", finishedAt);
    if (report != null) {
      o.put("report", report);
    }
    return o;
  }

  private static void put(JsonObject o, String name, Object v) {
    if (v != null) {
      o.put(name, v.toString());
    }
  }
}
