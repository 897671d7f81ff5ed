package io.shadowmq.admin;

import io.shadowmq.shadow.group.DeviceGroup;
import io.shadowmq.shadow.group.GroupStore;
import io.shadowmq.shadow.rollout.RolloutService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.LinkedHashMap;

import java.util.Map;
import java.util.Set;

/** {@code /api/v1/groups}: named tag selectors, and their members (devices whose tags match), paged. */
final class GroupRoutes {
  private final GroupStore store;
  private final DevicePages pages;
  private final RolloutService rollouts;

  /**
   * @param store    null without storage
   * @param pages    null without storage
   * @param rollouts told when a group's selector changes (continuous rollouts), or null
   */
  GroupRoutes(GroupStore store, DevicePages pages, RolloutService rollouts) {
    this.store = store;
    this.pages = pages;
    this.rollouts = rollouts;
  }

  void mount(Router r, BodyHandler body) {
    r.get("/groups").respond(ctx -> groups().list().map(all -> new JsonObject()
        .put("items", new JsonArray(all.stream().map(GroupRoutes::json).toList()))));
    r.post("/groups").handler(body).respond(this::create);
    r.get("/groups/:name").respond(ctx -> find(ctx.pathParam("name")).map(GroupRoutes::json));
    r.patch("/groups/:name").handler(body).respond(this::update);
    r.delete("/groups/:name").handler(ctx -> groups().remove(ctx.pathParam("name")).onSuccess(removed -> {
      if (removed) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.fail(noGroup(ctx.pathParam("name")));
      }
    }).onFailure(ctx::fail));
    r.get("/groups/:name/members").respond(this::members);
  }

  private GroupStore groups() {
    if (store == null) {
      throw new ApiError(503, "storage_unavailable", "groups need storage (the broker runs --in-memory)");
    }
    return store;
  }

  private static ApiError noGroup(String name) {
    return ApiError.notFound("group_not_found", "no group " + name);
  }

  private Future<DeviceGroup> find(String name) {
    return groups().find(name).compose(g -> g == null ? Future.failedFuture(noGroup(name)) : Future.succeededFuture(g));
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    JsonObject in = JsonInput.object(ctx, Set.of("name", "selector"));
    String name = JsonInput.string(in, "name", true);
    String problem = DeviceGroup.nameProblem(name);
    if (problem != null) {
      throw ApiError.invalidField("name", problem);
    }
    Map<String, String> selector = selector(in);
    DeviceGroup group = new DeviceGroup(name, selector, java.time.Instant.now());
    return groups().add(group).compose(added -> {
      if (!added) {
        return Future.failedFuture(ApiError.conflict("group_exists", "group " + name + " exists already"));
      }
      ctx.response().setStatusCode(201);
      if (rollouts != null) {
        rollouts.groupChanged(name); // a continuous rollout may target a group removed and created again
      }
      return find(name).map(GroupRoutes::json);
    });
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    JsonObject in = JsonInput.object(ctx, Set.of("selector"));
    return groups().updateSelector(name, selector(in)).compose(g -> {
      if (g == null) {
        return Future.failedFuture(noGroup(name));
      }
      if (rollouts != null) {
        rollouts.groupChanged(name);
      }
      return Future.succeededFuture(json(g));
    });
  }

  private Future<JsonObject> members(RoutingContext ctx) {
    String online = ctx.queryParams().get("online");
    if (online != null && !online.equals("true") && !online.equals("false")) {
      throw ApiError.invalidField("online", "must be true or false");
    }
    String after = Paging.after(ctx);
    int limit = Paging.limit(ctx);
    return find(ctx.pathParam("name")).compose(g -> pages.page(
        new DevicePages.Filter(null, g.selector(), online == null ? null : Boolean.valueOf(online)), after, limit));
  }

  private static Map<String, String> selector(JsonObject in) {
    Map<String, String> selector = JsonInput.stringMap(in, "selector");
    if (selector == null) {
      throw ApiError.invalidField("selector", "is required (an object of tag names and values)");
    }
    String problem = DeviceGroup.selectorProblem(selector);
    if (problem != null) {
      throw ApiError.invalidField("selector", problem);
    }
    return selector;
  }

  private static JsonObject json(DeviceGroup g) {
    return new JsonObject().put("name", g.name()).put("selector", new JsonObject(new LinkedHashMap<>(g.selector())))
        .put("createdAt", g.createdAt().toString());
  }
}
