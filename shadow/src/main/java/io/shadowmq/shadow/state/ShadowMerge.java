package io.shadowmq.shadow.state;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * How an update's state changes a shadow, AWS's way: objects merge key by key, a {@code null}
 * removes a key, anything else (values and whole arrays) replaces; a section set to {@code null}
 * or left empty disappears. The metadata follows: every leaf the update sets gets
 * {@code {"timestamp": now}} (arrays one entry per element), removed keys lose theirs.
 */
final class ShadowMerge {
  private ShadowMerge() {
  }

  /** The section after the patch: unchanged when the patch does not name it, null when it ends up empty. */
  static JsonObject section(JsonObject current, JsonObject state, String name) {
    if (!state.containsKey(name)) {
      return current;
    }
    Object patch = state.getValue(name);
    if (patch == null) {
      return null;
    }
    JsonObject merged = current == null ? new JsonObject() : current.copy();
    mergeInto(merged, (JsonObject) patch);
    return merged.isEmpty() ? null : merged;
  }

  private static void mergeInto(JsonObject target, JsonObject patch) {
    for (String key : patch.fieldNames()) {
      Object value = patch.getValue(key);
      if (value == null) {
        target.remove(key);
      } else if (value instanceof JsonObject patchObject && target.getValue(key) instanceof JsonObject existing) {
        mergeInto(existing, patchObject);
      } else if (value instanceof JsonObject patchObject) {
        JsonObject fresh = new JsonObject();
        mergeInto(fresh, patchObject); // a null under a new key removes nothing and is not stored
        target.put(key, fresh);
      } else if (value instanceof JsonArray array) {
        target.put(key, array.copy());
      } else {
        target.put(key, value);
      }
    }
  }

  /** The metadata of what a request sets: {@code {"timestamp": now}} for each leaf (and each null), arrays per element. */
  static Object metadataOf(Object value, long now) {
    if (value instanceof JsonObject o) {
      JsonObject m = new JsonObject();
      for (String key : o.fieldNames()) {
        m.put(key, metadataOf(o.getValue(key), now));
      }
      return m;
    }
    if (value instanceof JsonArray a) {
      JsonArray m = new JsonArray();
      for (Object e : a) {
        m.add(metadataOf(e, now));
      }
      return m;
    }
    return new JsonObject().put("timestamp", now);
  }

  /**
   * The metadata of a section after the patch, given the section's new state: null when the
   * section is gone, unchanged when the patch did not name it.
   */
  static JsonObject sectionMetadata(JsonObject currentMetadata, JsonObject newSection, JsonObject state, String name,
                                    long now) {
    if (newSection == null) {
      return null;
    }
    if (!(state.getValue(name) instanceof JsonObject patch)) {
      return currentMetadata;
    }
    JsonObject metadata = currentMetadata == null ? new JsonObject() : currentMetadata.copy();
    mergeMetadata(metadata, newSection, patch, now);
    return metadata;
  }

  private static void mergeMetadata(JsonObject metadata, JsonObject section, JsonObject patch, long now) {
    for (String key : patch.fieldNames()) {
      Object value = patch.getValue(key);
      Object stateValue = section.getValue(key);
      if (value == null || stateValue == null) {
        metadata.remove(key);
      } else if (value instanceof JsonObject patchObject && stateValue instanceof JsonObject stateObject) {
        Object existing = metadata.getValue(key);
        JsonObject nested = existing instanceof JsonObject m && !isLeaf(m) ? m : new JsonObject();
        metadata.put(key, nested);
        mergeMetadata(nested, stateObject, patchObject, now);
      } else {
        metadata.put(key, metadataOf(value, now));
      }
    }
  }

  /** A leaf's metadata, {@code {"timestamp": n}}, as opposed to an object's (whose keys are state keys). */
  static boolean isLeaf(JsonObject metadata) {
    return metadata.size() == 1 && metadata.getValue("timestamp") instanceof Number;
  }
}
