package io.shadowmq.shadow.state;

import io.vertx.core.json.JsonObject;

/**
 * A shadow as stored: its desired and reported state, their per-leaf metadata and its version. A
 * deleted shadow keeps its version (exists is false) so that the next update continues from it.
 * Instances are never modified: the engine copies before it changes anything.
 *
 * @param desired  the desired section, or null when there is none
 * @param reported the reported section, or null when there is none
 * @param metadata {@code {"desired": {...}, "reported": {...}}}, a {@code {"timestamp": s}} per leaf
 */
public record Shadow(JsonObject desired, JsonObject reported, JsonObject metadata, long version, boolean exists) {

  /** What is left after a delete: the version, nothing else. */
  public static Shadow deleted(long version) {
    return new Shadow(null, null, new JsonObject(), version, false);
  }

  /** {@code {"desired": ..., "reported": ...}} with the sections there are. */
  public JsonObject state() {
    JsonObject state = new JsonObject();
    if (desired != null) {
      state.put("desired", desired.copy());
    }
    if (reported != null) {
      state.put("reported", reported.copy());
    }
    return state;
  }

  /** The stored form: {@code {"state": ..., "metadata": ...}}, or null for a deleted shadow. */
  public JsonObject toStoredJson() {
    return exists ? new JsonObject().put("state", state()).put("metadata", metadata.copy()) : null;
  }

  /** Reads the stored form back; a null document is a deleted shadow. */
  public static Shadow fromStored(long version, JsonObject document) {
    if (document == null) {
      return deleted(version);
    }
    JsonObject state = document.getJsonObject("state", new JsonObject());
    JsonObject metadata = document.getJsonObject("metadata", new JsonObject());
    return new Shadow(state.getJsonObject("desired"), state.getJsonObject("reported"), metadata, version, true);
  }
}
