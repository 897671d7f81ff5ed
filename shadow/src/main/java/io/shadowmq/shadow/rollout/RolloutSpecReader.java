package io.shadowmq.shadow.rollout;

import io.shadowmq.shadow.device.Device;
import io.shadowmq.shadow.group.DeviceGroup;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a rollout specification from its JSON (the create request, or the stored form), filling in
 * defaults and refusing the first wrong member with an {@link InvalidSpecException} that names it.
 */
public final class RolloutSpecReader {
  private static final Set<String> MEMBERS = Set.of("releaseId", "target", "delivery", "waves", "maxInProgress",
      "successGate", "failureThreshold", "timeouts", "retries", "startAt", "requireApproval", "continuous",
      "supersede");
  /** Device ids in one device-list target at most (a bigger fleet is a group or a selector). */
  static final int MAX_LISTED_DEVICES = 10_000;
  private static final int MAX_SECONDS = 365 * 24 * 3600;

  private RolloutSpecReader() {
  }

  public static RolloutSpec read(JsonObject in) {
    for (String name : in.fieldNames()) {
      if (!MEMBERS.contains(name)) {
        throw new InvalidSpecException(name, "unknown member");
      }
    }
    String releaseId = string(in, "releaseId", "releaseId", true);
    RolloutSpec.Target target = target(object(in, "target", "target", true));
    String delivery = string(in, "delivery", "delivery", false);
    RolloutSpec.Delivery mode = RolloutSpec.Delivery.SHADOW;
    if (delivery != null) {
      switch (delivery) {
        case "shadow" -> mode = RolloutSpec.Delivery.SHADOW;
        case "method" -> mode = RolloutSpec.Delivery.METHOD;
        default -> throw new InvalidSpecException("delivery", "must be shadow or method");
      }
    }
    RolloutSpec.Waves waves = waves(object(in, "waves", "waves", false));
    int maxInProgress = integer(in, "maxInProgress", "maxInProgress", 1, 1_000_000, 100);
    JsonObject g = object(in, "successGate", "successGate", false);
    RolloutSpec.SuccessGate gate = new RolloutSpec.SuccessGate(
        number(g, "percent", "successGate.percent", 0, 100, 90),
        integer(g, "bakeSeconds", "successGate.bakeSeconds", 0, MAX_SECONDS, 600));
    JsonObject f = object(in, "failureThreshold", "failureThreshold", false);
    String action = string(f, "action", "failureThreshold.action", false);
    RolloutSpec.Action act = RolloutSpec.Action.PAUSE;
    if (action != null) {
      switch (action) {
        case "pause" -> act = RolloutSpec.Action.PAUSE;
        case "abort" -> act = RolloutSpec.Action.ABORT;
        case "rollback" -> act = RolloutSpec.Action.ROLLBACK;
        default -> throw new InvalidSpecException("failureThreshold.action", "must be pause, abort or rollback");
      }
    }
    RolloutSpec.FailureThreshold threshold = new RolloutSpec.FailureThreshold(
        number(f, "percent", "failureThreshold.percent", 0, 100, 20),
        integer(f, "minExecuted", "failureThreshold.minExecuted", 1, 1_000_000, 5), act);
    JsonObject t = object(in, "timeouts", "timeouts", false);
    RolloutSpec.Timeouts timeouts = new RolloutSpec.Timeouts(
        integer(t, "inProgressSeconds", "timeouts.inProgressSeconds", 1, MAX_SECONDS, 3600),
        integer(t, "deadlineSeconds", "timeouts.deadlineSeconds", 1, MAX_SECONDS, 86400));
    JsonObject r = object(in, "retries", "retries", false);
    RolloutSpec.Retries retries = new RolloutSpec.Retries(integer(r, "max", "retries.max", 0, 100, 0),
        integer(r, "backoffSeconds", "retries.backoffSeconds", 0, MAX_SECONDS, 60));
    Instant startAt = null;
    String start = string(in, "startAt", "startAt", false);
    if (start != null) {
      try {
        startAt = Instant.parse(start);
      } catch (DateTimeParseException e) {
        throw new InvalidSpecException("startAt", "must be an ISO-8601 instant such as 2026-01-31T22:00:00Z");
      }
    }
    return new RolloutSpec(releaseId, target, mode, waves, maxInProgress, gate, threshold, timeouts, retries, startAt,
        bool(in, "requireApproval"), bool(in, "continuous"), bool(in, "supersede"));
  }

  private static RolloutSpec.Target target(JsonObject t) {
    if (t.size() != 1) {
      throw new InvalidSpecException("target", "must hold exactly one of group, selector, devices");
    }
    if (t.containsKey("group")) {
      String group = string(t, "group", "target.group", true);
      String problem = DeviceGroup.nameProblem(group);
      if (problem != null) {
        throw new InvalidSpecException("target.group", problem);
      }
      return new RolloutSpec.Target(group, null, null);
    }
    if (t.containsKey("selector")) {
      JsonObject s = object(t, "selector", "target.selector", true);
      Map<String, String> selector = new LinkedHashMap<>();
      for (String k : s.fieldNames()) {
        if (!(s.getValue(k) instanceof String v)) {
          throw new InvalidSpecException("target.selector." + k, "must be a string");
        }
        String problem = Device.tagProblem(k, v);
        if (problem != null) {
          throw new InvalidSpecException("target.selector." + k, problem);
        }
        selector.put(k, v);
      }
      if (selector.isEmpty()) {
        throw new InvalidSpecException("target.selector", "must name at least one tag");
      }
      return new RolloutSpec.Target(null, selector, null);
    }
    if (t.containsKey("devices")) {
      if (!(t.getValue("devices") instanceof JsonArray a) || a.isEmpty() || a.size() > MAX_LISTED_DEVICES) {
        throw new InvalidSpecException("target.devices", "must be a list of 1 to " + MAX_LISTED_DEVICES + " device ids");
      }
      // in the order given, each once (a set: a list of 10 000 ids is checked in linear time)
      Set<String> ids = new LinkedHashSet<>(a.size() * 2);
      for (int i = 0; i < a.size(); i++) {
        if (!(a.getValue(i) instanceof String id) || Device.idProblem(id) != null) {
          throw new InvalidSpecException("target.devices[" + i + "]", "must be a device id");
        }
        ids.add(id);
      }
      return new RolloutSpec.Target(null, null, List.copyOf(ids));
    }
    throw new InvalidSpecException("target", "must hold exactly one of group, selector, devices");
  }

  private static RolloutSpec.Waves waves(JsonObject w) {
    if (w.containsKey("sizes")) {
      if (w.size() != 1) {
        throw new InvalidSpecException("waves", "give either sizes, or canary, growthFactor and maxWaveSize");
      }
      if (!(w.getValue("sizes") instanceof JsonArray a) || a.isEmpty() || a.size() > 100) {
        throw new InvalidSpecException("waves.sizes", "must be a list of 1 to 100 cumulative sizes");
      }
      List<Object> sizes = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        String field = "waves.sizes[" + i + "]";
        Object v = a.getValue(i);
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() >= 1
            && n.doubleValue() <= 10_000_000) {
          sizes.add(n.intValue());
        } else if (v instanceof String s && s.endsWith("%")) {
          double p;
          try {
            p = Double.parseDouble(s.substring(0, s.length() - 1));
          } catch (NumberFormatException e) {
            throw new InvalidSpecException(field, "must be a device count or a percent such as \"10%\"");
          }
          if (!(p > 0 && p <= 100)) {
            throw new InvalidSpecException(field, "a percent is more than 0% and at most 100%");
          }
          sizes.add(p);
        } else {
          throw new InvalidSpecException(field, "must be a device count or a percent such as \"10%\"");
        }
      }
      return new RolloutSpec.Waves(List.copyOf(sizes), 0, 0, 0);
    }
    for (String k : w.fieldNames()) {
      if (!Set.of("canary", "growthFactor", "maxWaveSize").contains(k)) {
        throw new InvalidSpecException("waves." + k, "unknown member; expected sizes, or canary, growthFactor, maxWaveSize");
      }
    }
    int canary = integer(w, "canary", "waves.canary", 1, 10_000_000, 5);
    double growth = number(w, "growthFactor", "waves.growthFactor", 1, 100, 2);
    int max = integer(w, "maxWaveSize", "waves.maxWaveSize", 1, 10_000_000, 1000);
    if (max < canary) {
      throw new InvalidSpecException("waves.maxWaveSize", "must be at least the canary");
    }
    return new RolloutSpec.Waves(null, canary, growth, max);
  }

  private static JsonObject object(JsonObject in, String name, String field, boolean required) {
    Object v = in.getValue(name);
    if (v == null) {
      if (required) {
        throw new InvalidSpecException(field, "is required");
      }
      return new JsonObject();
    }
    if (!(v instanceof JsonObject o)) {
      throw new InvalidSpecException(field, "must be an object");
    }
    return o;
  }

  private static String string(JsonObject in, String name, String field, boolean required) {
    Object v = in.getValue(name);
    if (v == null) {
      if (required) {
        throw new InvalidSpecException(field, "is required");
      }
      return null;
    }
    if (!(v instanceof String s) || s.isEmpty()) {
      throw new InvalidSpecException(field, "must be a non-empty string");
    }
    return s;
  }

  private static boolean bool(JsonObject in, String name) {
    Object v = in.getValue(name);
    if (v != null && !(v instanceof Boolean)) {
      throw new InvalidSpecException(name, "must be true or false");
    }
    return Boolean.TRUE.equals(v);
  }

  private static int integer(JsonObject in, String name, String field, int min, int max, int otherwise) {
    Object v = in.getValue(name);
    if (v == null) {
      return otherwise;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min
        || n.doubleValue() > max) {
      throw new InvalidSpecException(field, "must be a whole number from " + min + " to " + max);
    }
    return n.intValue();
  }

  private static double number(JsonObject in, String name, String field, double min, double max, double otherwise) {
    Object v = in.getValue(name);
    if (v == null) {
      return otherwise;
    }
    if (!(v instanceof Number n) || n.doubleValue() < min || n.doubleValue() > max) {
      throw new InvalidSpecException(field, "must be a number from " + (long) min + " to " + (long) max);
    }
    return n.doubleValue();
  }
}
