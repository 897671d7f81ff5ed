package io.shadowmq.shadow.state;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;

/**
 * The delta of a shadow: every desired leaf whose value differs from the reported one (or is not
 * reported), with nested objects kept down to the differing leaves, arrays compared and sent whole,
 * numbers compared by value (1 equals 1.0). Also the metadata that goes with it.
 */
public final class ShadowDelta {
  private ShadowDelta() {
  }

  /** The delta, or null when desired and reported agree (or there is no desired state). */
  public static JsonObject of(JsonObject desired, JsonObject reported) {
    if (desired == null) {
      return null;
    }
    JsonObject delta = new JsonObject();
    for (String key : desired.fieldNames()) {
      Object want = desired.getValue(key);
      Object have = reported == null ? null : reported.getValue(key);
      if (want instanceof JsonObject wantObject) {
        JsonObject nested = of(wantObject, have instanceof JsonObject haveObject ? haveObject : null);
        if (nested != null) {
          delta.put(key, nested);
        }
      } else if (have == null || !equal(want, have)) {
        delta.put(key, want instanceof JsonArray a ? a.copy() : want);
      }
    }
    return delta.isEmpty() ? null : delta;
  }

  /** The desired metadata of the delta's leaves (arrays: their per-element metadata). */
  public static JsonObject metadata(JsonObject delta, JsonObject desiredMetadata) {
    JsonObject result = new JsonObject();
    for (String key : delta.fieldNames()) {
      Object value = delta.getValue(key);
      Object meta = desiredMetadata == null ? null : desiredMetadata.getValue(key);
      if (value instanceof JsonObject nested && meta instanceof JsonObject m && !ShadowMerge.isLeaf(m)) {
        result.put(key, metadata(nested, m));
      } else if (meta instanceof JsonObject m) {
        result.put(key, m.copy());
      } else if (meta instanceof JsonArray a) {
        result.put(key, a.copy());
      }
    }
    return result;
  }

  /** JSON equality with numbers compared by value. */
  static boolean equal(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
    }
    if (a instanceof JsonObject x && b instanceof JsonObject y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (String key : x.fieldNames()) {
        if (!y.containsKey(key) || !equalOrBothNull(x.getValue(key), y.getValue(key))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof JsonArray x && b instanceof JsonArray y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!equalOrBothNull(x.getValue(i), y.getValue(i))) {
          return false;
        }
      }
      return true;
    }
    return a != null && a.equals(b);
  }

  private static boolean equalOrBothNull(Object a, Object b) {
    return a == null ? b == null : b != null && equal(a, b);
  }
}
