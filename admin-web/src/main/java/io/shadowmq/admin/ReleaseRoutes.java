package io.shadowmq.admin;

import io.shadowmq.shadow.device.Device;
import io.shadowmq.shadow.firmware.Artifact;
import io.shadowmq.shadow.firmware.Release;
import io.shadowmq.shadow.firmware.ReleaseStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/releases}: firmware releases (create, list, read, delete) and download links for
 * one device; artifact uploads are {@link ArtifactUploads}.
 */
final class ReleaseRoutes {
  /** Longest a link may live: a month. */
  static final int MAX_LINK_TTL = 30 * 24 * 3600;
  static final int DEFAULT_LINK_TTL = 3600;

  private final FirmwarePorts ports;

  /** @param ports null without storage (503 on every route) */
  ReleaseRoutes(FirmwarePorts ports) {
    this.ports = ports;
  }

  void mount(Router r, BodyHandler body) {
    r.post("/releases").handler(body).respond(this::create);
    r.get("/releases").respond(this::list);
    r.get("/releases/:id").respond(ctx -> find(ctx.pathParam("id")).map(ReleaseRoutes::json));
    r.delete("/releases/:id").handler(this::delete);
    r.post("/releases/:id/artifacts/:name/links").handler(body).respond(this::link);
    r.post("/download-keys/rotate").respond(this::rotateKeys);
  }

  static FirmwarePorts required(FirmwarePorts ports) {
    if (ports == null) {
      throw new ApiError(503, "storage_unavailable", "firmware needs storage (the broker runs --in-memory)");
    }
    return ports;
  }

  static ApiError noRelease(String id) {
    return ApiError.notFound("release_not_found", "no release " + id);
  }

  private Future<Release> find(String id) {
    return required(ports).releases().find(id)
        .compose(r -> r == null ? Future.failedFuture(noRelease(id)) : Future.succeededFuture(r));
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    JsonObject in = JsonInput.object(ctx, Set.of("name", "version", "compatibility", "notes"));
    String name = JsonInput.string(in, "name", true);
    problem("name", Release.nameProblem(name));
    String version = JsonInput.string(in, "version", true);
    problem("version", Release.versionProblem(version));
    Map<String, String> compatibility = JsonInput.stringMap(in, "compatibility");
    if (compatibility == null) {
      compatibility = Map.of();
    }
    problem("compatibility", Release.compatibilityProblem(compatibility));
    String notes = JsonInput.string(in, "notes", false);
    if (notes != null && notes.length() > Release.MAX_NOTES) {
      throw ApiError.invalidField("notes", "may have " + Release.MAX_NOTES + " characters at most");
    }
    return required(ports).releases().create(name, version, compatibility, notes)
        .recover(e -> Future.failedFuture(e instanceof ReleaseStore.ReleaseExistsException
            ? ApiError.conflict("release_exists", e.getMessage()) : e))
        .map(release -> {
          ctx.response().setStatusCode(201);
          return json(release);
        });
  }

  private static void problem(String field, String problem) {
    if (problem != null) {
      throw ApiError.invalidField(field, problem);
    }
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    String after = Paging.after(ctx);
    int limit = Paging.limit(ctx);
    return required(ports).releases().list(after, limit + 1).map(releases -> {
      List<Release> page = releases.size() > limit ? releases.subList(0, limit) : releases;
      return Paging.page(page.stream().map(ReleaseRoutes::json).toList(),
          releases.size() > limit ? page.get(page.size() - 1).id() : null);
    });
  }

  private void delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    FirmwarePorts p = required(ports);
    find(id).compose(r -> p.usage().inActiveRollout(id))
        .compose(used -> used ? Future.failedFuture(ApiError.conflict("release_in_use",
            "an active rollout deploys release " + id + "; finish or cancel it first")) : p.releases().delete(id))
        .onSuccess(removed -> {
          if (removed) {
            ctx.response().setStatusCode(204).end();
          } else {
            ctx.fail(noRelease(id));
          }
        })
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> link(RoutingContext ctx) {
    JsonObject in = JsonInput.object(ctx, Set.of("device", "ttlSeconds"));
    String device = JsonInput.string(in, "device", true);
    problem("device", Device.idProblem(device));
    int ttl = JsonInput.integer(in, "ttlSeconds", 1, MAX_LINK_TTL, DEFAULT_LINK_TTL);
    String name = ctx.pathParam("name");
    FirmwarePorts p = required(ports);
    return find(ctx.pathParam("id")).compose(release -> {
      Artifact artifact = release.artifact(name);
      if (artifact == null) {
        return Future.failedFuture(ApiError.notFound("artifact_not_found", "release " + release.id()
            + " has no artifact " + name));
      }
      Instant expiresAt = Instant.now().plusSeconds(ttl);
      return Future.succeededFuture(new JsonObject().put("url", p.links().mint(artifact.id(), device, expiresAt))
          .put("expiresAt", Instant.ofEpochSecond(expiresAt.getEpochSecond()).toString()));
    });
  }

  private Future<JsonObject> rotateKeys(RoutingContext ctx) {
    FirmwarePorts p = required(ports);
    return p.linkSecrets().rotate().map(secrets -> {
      p.links().secrets(secrets);
      return new JsonObject().put("rotatedAt", Instant.now().toString());
    });
  }

  static JsonObject json(Release r) {
    JsonArray artifacts = new JsonArray();
    r.artifacts().forEach(a -> artifacts.add(json(a)));
    return new JsonObject().put("id", r.id()).put("name", r.name()).put("version", r.version())
        .put("compatibility", new JsonObject(new LinkedHashMap<>(r.compatibility()))).put("notes", r.notes())
        .put("artifacts", artifacts).put("createdAt", r.createdAt().toString());
  }

  static JsonObject json(Artifact a) {
    return new JsonObject().put("id", a.id()).put("name", a.name()).put("size", a.size()).put("sha256", a.sha256())
        .put("contentType", a.contentType());
  }
}
