package io.shadowmq.admin;

import io.shadowmq.shadow.admin.AdminRole;
import io.shadowmq.shadow.admin.AdminToken;
import io.shadowmq.shadow.admin.AdminTokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.Set;

/**
 * {@code /api/v1/admin-tokens}: create (the token is shown once, in this answer), list (never the
 * tokens themselves), revoke. Admin tokens only; the last admin token cannot be revoked, so the
 * API cannot lock itself out.
 */
final class TokenRoutes {
  private final AdminTokens tokens;

  TokenRoutes(AdminTokens tokens) {
    this.tokens = tokens;
  }

  void mount(Router r, BodyHandler body) {
    r.route("/admin-tokens*").handler(BearerAuth::requireAdmin);
    r.get("/admin-tokens").respond(ctx -> tokens.list().map(all -> new JsonObject()
        .put("items", new JsonArray(all.stream().map(TokenRoutes::json).toList()))));
    r.post("/admin-tokens").handler(body).respond(this::create);
    r.delete("/admin-tokens/:id").handler(ctx -> revoke(ctx.pathParam("id"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail));
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    JsonObject in = JsonInput.object(ctx, Set.of("name", "role"));
    String name = JsonInput.string(in, "name", true);
    if (name.isBlank() || name.length() > 128) {
      throw ApiError.invalidField("name", "is 1 to 128 characters");
    }
    String roleName = JsonInput.string(in, "role", false);
    AdminRole role;
    try {
      role = roleName == null ? AdminRole.READ_ONLY : AdminRole.of(roleName);
    } catch (IllegalArgumentException e) {
      throw ApiError.invalidField("role", "is admin or read-only");
    }
    return tokens.create(role, name).map(made -> {
      ctx.response().setStatusCode(201);
      return json(made.stored()).put("token", made.token());
    });
  }

  private Future<Void> revoke(String id) {
    return tokens.list().compose(all -> {
      AdminToken target = all.stream().filter(t -> t.id().equals(id)).findFirst().orElse(null);
      if (target == null) {
        return Future.failedFuture(ApiError.notFound("token_not_found", "no token " + id));
      }
      long admins = all.stream().filter(t -> t.role() == AdminRole.ADMIN).count();
      if (target.role() == AdminRole.ADMIN && admins == 1) {
        return Future.failedFuture(ApiError.conflict("last_admin_token", "the last admin token cannot be revoked"));
      }
      return tokens.revoke(id).mapEmpty();
    });
  }

  private static JsonObject json(AdminToken t) {
    return new JsonObject().put("id", t.id()).put("name", t.name()).put("role", t.role().label())
        .put("createdAt", t.createdAt().toString());
  }
}
