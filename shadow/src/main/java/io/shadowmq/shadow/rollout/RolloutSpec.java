package io.shadowmq.shadow.rollout;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a rollout is asked to do, every default filled in: the release, the target devices, how
 * devices are told (shadow or direct method), the wave plan and its pacing, the failure threshold,
 * timeouts and retries. Stored as JSON ({@link #toJson}) with the rollout; read by
 * {@link RolloutSpecReader}.
 */
public record RolloutSpec(String releaseId, Target target, Delivery delivery, Waves waves, int maxInProgress,
                          SuccessGate successGate, FailureThreshold failureThreshold, Timeouts timeouts,
                          Retries retries, Instant startAt, boolean requireApproval, boolean continuous,
                          boolean supersede) {

  /** How devices are told about the update. */
  public enum Delivery {
    SHADOW, METHOD;

    public String word() {
      return name().toLowerCase();
    }
  }

  /** What a failure threshold does once crossed. */
  public enum Action {
    PAUSE, ABORT, ROLLBACK;

    public String word() {
      return name().toLowerCase();
    }
  }

  /** Exactly one of: a group's name, a tag selector, a list of device ids. */
  public record Target(String group, Map<String, String> selector, List<String> devices) {
    public JsonObject toJson() {
      if (group != null) {
        return new JsonObject().put("group", group);
      }
      if (selector != null) {
        return new JsonObject().put("selector", new JsonObject(new java.util.LinkedHashMap<>(selector)));
      }
      return new JsonObject().put("devices", new JsonArray(devices));
    }
  }

  /**
   * Either explicit cumulative sizes (an Integer count or a Double percent each), or canary + growth
   * factor + maximum wave size.
   */
  public record Waves(List<Object> sizes, int canary, double growthFactor, int maxWaveSize) {
    public JsonObject toJson() {
      if (sizes != null) {
        JsonArray a = new JsonArray();
        for (Object s : sizes) {
          a.add(s instanceof Double d ? RolloutView.number(d) + "%" : s);
        }
        return new JsonObject().put("sizes", a);
      }
      return new JsonObject().put("canary", canary).put("growthFactor", growthFactor).put("maxWaveSize", maxWaveSize);
    }
  }

  public record SuccessGate(double percent, int bakeSeconds) {
  }

  public record FailureThreshold(double percent, int minExecuted, Action action) {
  }

  public record Timeouts(int inProgressSeconds, int deadlineSeconds) {
  }

  public record Retries(int max, int backoffSeconds) {
  }

  /** A rollout of one device, at once, no waves: for "update now". */
  public static RolloutSpec single(String releaseId, String device, Delivery delivery, RolloutSpec defaults) {
    return new RolloutSpec(releaseId, new Target(null, null, List.of(device)), delivery,
        new Waves(List.of(1), 0, 0, 0), 1, new SuccessGate(0, 0), defaults.failureThreshold(), defaults.timeouts(),
        defaults.retries(), null, false, false, true);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("releaseId", releaseId)
        .put("target", target.toJson())
        .put("delivery", delivery.word())
        .put("waves", waves.toJson())
        .put("maxInProgress", maxInProgress)
        .put("successGate", new JsonObject().put("percent", successGate.percent()).put("bakeSeconds", successGate.bakeSeconds()))
        .put("failureThreshold", new JsonObject().put("percent", failureThreshold.percent())
            .put("minExecuted", failureThreshold.minExecuted()).put("action", failureThreshold.action().word()))
        .put("timeouts", new JsonObject().put("inProgressSeconds", timeouts.inProgressSeconds())
            .put("deadlineSeconds", timeouts.deadlineSeconds()))
        .put("retries", new JsonObject().put("max", retries.max()).put("backoffSeconds", retries.backoffSeconds()))
        .put("startAt", startAt == null ? null : startAt.toString())
        .put("requireApproval", requireApproval)
        .put("continuous", continuous)
        .put("supersede", supersede);
  }
}
