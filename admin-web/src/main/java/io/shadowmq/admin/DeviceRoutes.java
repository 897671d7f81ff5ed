package io.shadowmq.admin;

import io.shadowmq.shadow.device.Device;
import io.shadowmq.shadow.device.DeviceStore;
import io.shadowmq.shadow.rollout.RolloutService;
import io.shadowmq.shadow.device.PasswordHasher;
import io.shadowmq.shadow.port.ClientDirectory;
import io.shadowmq.shadow.port.DeviceGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/devices}: the device registry (create, read, list, change, delete), password
 * rotation and disconnecting a device. Passwords are hashed on a worker thread, never on the
 * event loop; a generated password is shown once, in the answer that made it.
 */
final class DeviceRoutes {
  private static final int MAX_PASSWORD = 256;

  private final Vertx vertx;
  private final DeviceStore store;
  private final DeviceGateway gateway;
  private final DevicePages pages;
  private final RolloutService rollouts;

  /** @param rollouts told of registered and re-tagged devices (continuous rollouts), or null */
  DeviceRoutes(Vertx vertx, DeviceStore store, ClientDirectory clients, DeviceGateway gateway,
               RolloutService rollouts) {
    this.vertx = vertx;
    this.store = store;
    this.gateway = gateway;
    this.rollouts = rollouts;
    this.pages = store == null ? null : new DevicePages(store, clients, gateway);
  }

  /** Adds the routes to the API router (mounted at {@code /api/v1}). */
  void mount(Router r, BodyHandler body) {
    r.get("/devices").respond(this::list);
    r.post("/devices").handler(body).respond(this::create);
    r.get("/devices/:id").respond(ctx -> find(ctx.pathParam("id")));
    r.patch("/devices/:id").handler(body).respond(this::update);
    r.delete("/devices/:id").handler(ctx -> remove(ctx.pathParam("id"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail));
    r.post("/devices/:id/credentials").handler(body).respond(this::rotate);
    r.post("/devices/:id/disconnect").handler(ctx -> registry().find(ctx.pathParam("id"))
        .compose(d -> d == null ? Future.failedFuture(noDevice(ctx.pathParam("id"))) : gateway.disconnect(d.id()))
        .onSuccess(was -> {
          if (was) {
            ctx.response().setStatusCode(204).end();
          } else {
            ctx.fail(ApiError.notFound("device_offline", "device " + ctx.pathParam("id") + " is not connected"));
          }
        }).onFailure(ctx::fail));
  }

  private DeviceStore registry() {
    if (store == null) {
      throw new ApiError(503, "storage_unavailable", "the device registry needs storage (the broker runs --in-memory)");
    }
    return store;
  }

  static ApiError noDevice(String id) {
    return ApiError.notFound("device_not_found", "no device " + id);
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    registry();
    String online = ctx.queryParams().get("online");
    if (online != null && !online.equals("true") && !online.equals("false")) {
      throw ApiError.invalidField("online", "must be true or false");
    }
    DevicePages.Filter filter = new DevicePages.Filter(ctx.queryParams().get("prefix"), tagFilter(ctx.queryParams().getAll("tag")),
        online == null ? null : Boolean.valueOf(online));
    return pages.page(filter, Paging.after(ctx), Paging.limit(ctx));
  }

  /** {@code ?tag=site:berlin&tag=model:p2}: every one must match. */
  static Map<String, String> tagFilter(List<String> tags) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String t : tags) {
      int colon = t.indexOf(':');
      if (colon <= 0) {
        throw ApiError.invalidField("tag", "is name:value, not " + t);
      }
      out.put(t.substring(0, colon), t.substring(colon + 1));
    }
    return out;
  }

  private Future<JsonObject> find(String id) {
    return registry().find(id).compose(d -> d == null ? Future.failedFuture(noDevice(id))
        : gateway.connection(id).map(c -> DeviceView.of(d, c)));
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    JsonObject in = JsonInput.object(ctx, Set.of("id", "tags", "password", "enabled"));
    String id = JsonInput.string(in, "id", true);
    String idProblem = Device.idProblem(id);
    if (idProblem != null) {
      throw ApiError.invalidField("id", idProblem);
    }
    Map<String, String> tags = checkedTags(JsonInput.stringMap(in, "tags"));
    Boolean enabled = JsonInput.bool(in, "enabled");
    String chosen = password(in);
    DeviceStore registry = registry();
    String password = chosen != null ? chosen : PasswordHasher.generatePassword();
    return hash(password, chosen != null).compose(hash -> {
      Device d = new Device(id, tags == null ? Map.of() : tags, enabled == null || enabled, java.time.Instant.now(),
          null, hash, List.of());
      return registry.add(d).map(v -> {
        tagsChanged(id);
        return d;
      });
    }).recover(e -> Future.failedFuture(e instanceof DeviceStore.DeviceExistsException
        ? ApiError.conflict("device_exists", "device " + id + " exists already") : e)).map(d -> {
          ctx.response().setStatusCode(201);
          JsonObject view = DeviceView.of(d, null);
          return chosen == null ? view.put("password", password) : view;
        });
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject in = JsonInput.object(ctx, Set.of("tags", "enabled"));
    Map<String, String> tags = checkedTags(JsonInput.stringMap(in, "tags"));
    Boolean enabled = JsonInput.bool(in, "enabled");
    DeviceStore registry = registry();
    return registry.find(id).compose(d -> {
      if (d == null) {
        return Future.failedFuture(noDevice(id));
      }
      return registry.update(id, tags == null ? d.tags() : tags, enabled == null ? d.enabled() : enabled);
    }).compose(d -> {
      if (d == null) {
        return Future.failedFuture(noDevice(id)); // removed meanwhile
      }
      if (tags != null) {
        tagsChanged(id);
      }
      // A disabled device is refused at its next login; it is disconnected now so that the next login comes.
      Future<Boolean> kicked = d.enabled() ? Future.succeededFuture(false) : gateway.disconnect(id);
      return kicked.compose(k -> gateway.connection(id)).map(c -> DeviceView.of(d, c));
    });
  }

  /** A device was registered or re-tagged: it may have joined the target of a continuous rollout. */
  private void tagsChanged(String id) {
    if (rollouts != null) {
      rollouts.devicesChanged(List.of(id));
    }
  }

  private Future<Void> remove(String id) {
    return registry().remove(id).compose(removed -> removed ? gateway.disconnect(id).<Void>mapEmpty()
        : Future.failedFuture(noDevice(id)));
  }

  private Future<JsonObject> rotate(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject in = JsonInput.optionalObject(ctx, Set.of("password"));
    String chosen = password(in);
    String password = chosen != null ? chosen : PasswordHasher.generatePassword();
    DeviceStore registry = registry();
    return hash(password, chosen != null)
        .compose(hash -> registry.setPasswordHash(id, hash))
        .compose(found -> {
          if (!found) {
            return Future.failedFuture(noDevice(id));
          }
          JsonObject out = new JsonObject().put("id", id);
          return Future.succeededFuture(chosen == null ? out.put("password", password) : out);
        });
  }

  private static String password(JsonObject in) {
    String p = JsonInput.string(in, "password", false);
    if (p != null && (p.isEmpty() || p.length() > MAX_PASSWORD)) {
      throw ApiError.invalidField("password", "is 1 to " + MAX_PASSWORD + " characters");
    }
    return p;
  }

  private static Map<String, String> checkedTags(Map<String, String> tags) {
    if (tags != null) {
      for (Map.Entry<String, String> e : tags.entrySet()) {
        String problem = Device.tagProblem(e.getKey(), e.getValue());
        if (problem != null) {
          throw ApiError.invalidField("tags." + e.getKey(), problem);
        }
      }
    }
    return tags;
  }

  /** The slow hash, on a worker thread: a chosen password gets the expensive count, a generated one the cheap. */
  private Future<String> hash(String password, boolean chosen) {
    int iterations = chosen ? PasswordHasher.CHOSEN_PASSWORD_ITERATIONS : PasswordHasher.GENERATED_PASSWORD_ITERATIONS;
    return vertx.executeBlocking(() -> PasswordHasher.hash(password, iterations), false);
  }
}
