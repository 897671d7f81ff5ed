package io.shadowmq.shadow.rollout;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One execution moving from one state to another, as written in a batch.
 *
 * @param wave      the execution's wave, -1 when it has none
 * @param error     the failure to record, or null to keep the last one
 * @param notBefore for a retry, when it may be notified again; else null
 */
public record Transition(String rolloutId, String deviceId, ExecutionState from, ExecutionState to, int wave,
                         int attempt, JsonObject error, Instant notBefore) {

  /** {@code {"code", "message"}}. */
  public static JsonObject error(String code, String message) {
    return new JsonObject().put("code", code).put("message", message);
  }
}
