package io.shadowmq.shadow.rollout;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One device's execution of a rollout, as operators see it.
 *
 * @param wave      the wave that notified it, or -1
 * @param lastError {@code {"code", "message"}} of its last failure, or null
 */
public record Execution(String rolloutId, String deviceId, ExecutionState state, int wave, int attempt,
                        String previousVersion, String skipReason, JsonObject lastError, Instant queuedAt,
                        Instant notifiedAt, Instant startedAt, Instant finishedAt, Instant updatedAt) {

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
    return o;
  }

  private static void put(JsonObject o, String name, Object v) {
    if (v != null) {
      o.put(name, v.toString());
    }
  }
}
