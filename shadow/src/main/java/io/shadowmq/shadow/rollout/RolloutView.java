package io.shadowmq.shadow.rollout;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A rollout as the admin API shows it: state, counts overall and per wave, failure rate, reason. */
public final class RolloutView {
  private RolloutView() {
  }

  public static JsonObject json(Rollout r, ExecutionCounts counts) {
    WavePlan plan = WavePlan.of(r.spec().waves(), r.eligible());
    JsonArray waves = new JsonArray();
    for (int i = 0; i < plan.waves(); i++) {
      String state;
      if (i < r.currentWave() || i == r.currentWave() && r.bakeUntil() != null) {
        state = i == r.currentWave() ? "BAKING" : "DONE";
      } else if (i == r.currentWave() && r.state() != RolloutState.COMPLETED) {
        state = "ACTIVE";
      } else {
        state = r.state() == RolloutState.COMPLETED ? "DONE" : "PENDING";
      }
      JsonObject c = counts.toJson(i);
      c.put("QUEUED", c.getLong("QUEUED") + Math.max(0, plan.size(i) - counts.assigned(i)));
      waves.add(new JsonObject().put("index", i).put("size", plan.size(i)).put("state", state).put("counts", c));
    }
    long[] ff = counts.finishedAndFailed(null);
    JsonObject o = new JsonObject().put("id", r.id()).put("state", r.state().name()).put("releaseId", r.releaseId())
        .put("version", r.targetVersion()).put("currentWave", r.currentWave()).put("counts", counts.toJson())
        .put("waves", waves).put("failureRate", ff[0] == 0 ? 0.0 : Math.round(ff[1] * 10000.0 / ff[0]) / 100.0)
        .put("spec", r.spec().toJson()).put("createdAt", r.createdAt().toString())
        .put("updatedAt", r.updatedAt().toString());
    o.put("reason", r.reason());
    if (r.bakeUntil() != null) {
      o.put("bakeUntil", r.bakeUntil().toString());
    }
    return o;
  }

  /** A percent as people write it: 90, not 90.0. */
  static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
