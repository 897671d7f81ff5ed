package io.shadowmq.admin;

import io.shadowmq.shadow.device.Device;
import io.shadowmq.shadow.group.DeviceGroup;
import io.shadowmq.shadow.rollout.Execution;
import io.shadowmq.shadow.rollout.ExecutionState;
import io.shadowmq.shadow.rollout.InvalidSpecException;
import io.shadowmq.shadow.rollout.RolloutService;
import io.shadowmq.shadow.rollout.RolloutSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.List;
import java.util.Set;

/**
 * {@code /api/v1/rollouts}: firmware rollouts (create, list, read, actions, executions), one device's
 * update now and deployment history per device and per group.
 */
final class RolloutRoutes {
  private static final Set<String> ACTIONS = Set.of("approve", "pause", "resume", "cancel", "rollback", "retry-failed");
  private final RolloutService service;

  /** @param service null without storage (503 on every route) */
  RolloutRoutes(RolloutService service) {
    this.service = service;
  }

  void mount(Router r, BodyHandler body) {
    r.post("/rollouts").handler(body).respond(this::create);
    r.get("/rollouts").respond(this::list);
    r.get("/rollouts/:id").respond(ctx -> found(rollouts().get(ctx.pathParam("id")), ctx.pathParam("id")));
    r.get("/rollouts/:id/devices").respond(this::executions);
    r.post("/rollouts/:id/devices/:device/cancel").respond(this::cancelDevice);
    r.post("/rollouts/:id/:action").handler(body).respond(this::act);
    r.post("/devices/:id/update-now").handler(body).respond(this::updateNow);
    r.get("/devices/:id/rollouts").respond(this::deviceHistory);
    r.get("/groups/:name/rollouts").respond(this::groupHistory);
  }

  private RolloutService rollouts() {
    if (service == null) {
      throw new ApiError(503, "storage_unavailable", "rollouts need storage and the HTTP port (the broker runs "
          + "--in-memory or without HTTP)");
    }
    return service;
  }

  private static ApiError noRollout(String id) {
    return ApiError.notFound("rollout_not_found", "no rollout " + id);
  }

  private static Future<JsonObject> found(Future<JsonObject> view, String id) {
    return view.compose(v -> v == null ? Future.failedFuture(noRollout(id)) : Future.succeededFuture(v));
  }

  /** Refusals of the core become API errors: a bad member is a 400 naming it, a wrong state a 409. */
  private static <T> Future<T> refusals(Future<T> f) {
    return f.recover(e -> {
      if (e instanceof InvalidSpecException bad) {
        return Future.failedFuture(ApiError.invalidField(bad.field(), bad.getMessage()));
      }
      if (e instanceof IllegalStateException wrong) {
        return Future.failedFuture(ApiError.conflict("rollout_state", wrong.getMessage()));
      }
      return Future.failedFuture(e);
    });
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    JsonObject in = JsonInput.object(ctx, Set.of("releaseId", "target", "delivery", "waves", "maxInProgress",
        "successGate", "failureThreshold", "timeouts", "retries", "startAt", "requireApproval", "continuous",
        "supersede"));
    Future<JsonObject> created;
    try {
      created = rollouts().create(in);
    } catch (InvalidSpecException e) {
      throw ApiError.invalidField(e.field(), e.getMessage());
    }
    return refusals(created).onSuccess(v -> ctx.response().setStatusCode(201));
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    int limit = Paging.limit(ctx);
    return rollouts().list(Paging.after(ctx), null, limit + 1).map(views -> page(views, limit));
  }

  private static JsonObject page(List<JsonObject> views, int limit) {
    boolean more = views.size() > limit;
    List<JsonObject> items = more ? views.subList(0, limit) : views;
    return Paging.page(items, more ? items.get(items.size() - 1).getString("id") : null);
  }

  private Future<JsonObject> act(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String action = ctx.pathParam("action");
    if (!ACTIONS.contains(action)) {
      throw ApiError.notFound("not_found", "no rollout action " + action + "; the actions are approve, pause, "
          + "resume, cancel, rollback, retry-failed");
    }
    boolean revert = false;
    if (action.equals("cancel")) {
      JsonObject in = JsonInput.optionalObject(ctx, Set.of("inProgress"));
      String inProgress = JsonInput.string(in, "inProgress", false);
      if (inProgress != null && !inProgress.equals("finish") && !inProgress.equals("revert")) {
        throw ApiError.invalidField("inProgress", "must be finish or revert");
      }
      revert = "revert".equals(inProgress);
    }
    return found(refusals(rollouts().act(id, action, revert)), id);
  }

  private Future<JsonObject> executions(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String state = ctx.queryParams().get("state");
    ExecutionState wanted = null;
    if (state != null) {
      try {
        wanted = ExecutionState.valueOf(state);
      } catch (IllegalArgumentException e) {
        throw ApiError.invalidField("state", "must be one of QUEUED, NOTIFIED, IN_PROGRESS, SUCCEEDED, FAILED, "
            + "TIMED_OUT, CANCELED, SKIPPED");
      }
    }
    int limit = Paging.limit(ctx);
    String after = Paging.after(ctx);
    ExecutionState s = wanted;
    return rollouts().exists(id).compose(there -> {
      if (!there) {
        return Future.failedFuture(noRollout(id));
      }
      return rollouts().executions(id, s, after, limit + 1).map(list -> {
        boolean more = list.size() > limit;
        List<Execution> items = more ? list.subList(0, limit) : list;
        return Paging.page(items.stream().map(Execution::toJson).toList(),
            more ? items.get(items.size() - 1).deviceId() : null);
      });
    });
  }

  private Future<JsonObject> cancelDevice(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String device = ctx.pathParam("device");
    return refusals(rollouts().cancelDevice(id, device)).compose(x -> x == null
        ? Future.failedFuture(ApiError.notFound("execution_not_found", "rollout " + id + " has no execution for "
        + device)) : Future.succeededFuture(x.toJson()));
  }

  private Future<JsonObject> updateNow(RoutingContext ctx) {
    String device = ctx.pathParam("id");
    if (Device.idProblem(device) != null) {
      throw ApiError.invalidField("id", Device.idProblem(device));
    }
    JsonObject in = JsonInput.object(ctx, Set.of("releaseId", "delivery"));
    String releaseId = JsonInput.string(in, "releaseId", true);
    String delivery = JsonInput.string(in, "delivery", false);
    if (delivery != null && !delivery.equals("shadow") && !delivery.equals("method")) {
      throw ApiError.invalidField("delivery", "must be shadow or method");
    }
    RolloutSpec.Delivery mode = "method".equals(delivery) ? RolloutSpec.Delivery.METHOD : RolloutSpec.Delivery.SHADOW;
    return refusals(rollouts().updateNow(device, releaseId, mode)).onSuccess(v -> ctx.response().setStatusCode(201));
  }

  private Future<JsonObject> deviceHistory(RoutingContext ctx) {
    int limit = Paging.limit(ctx);
    return rollouts().deviceHistory(ctx.pathParam("id"), limit).map(list -> new JsonObject()
        .put("items", new JsonArray(list.stream().map(Execution::toJson).toList())));
  }

  private Future<JsonObject> groupHistory(RoutingContext ctx) {
    String group = ctx.pathParam("name");
    if (DeviceGroup.nameProblem(group) != null) {
      throw ApiError.invalidField("name", DeviceGroup.nameProblem(group));
    }
    int limit = Paging.limit(ctx);
    return rollouts().list(Paging.after(ctx), group, limit + 1).map(views -> page(views, limit));
  }
}
