package io.shadowmq.admin;

import io.shadowmq.shadow.admin.AdminRole;
import io.shadowmq.shadow.admin.AdminToken;
import io.shadowmq.shadow.admin.AdminTokens;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Checks the bearer token of every API request: 401 without a known token; 403 when a read-only
 * token asks for anything but GET. The token (its id, role and name) is left in the context.
 */
final class BearerAuth implements Handler<RoutingContext> {
  static final String TOKEN = "shadowmq.token";
  private static final String SCHEME = "Bearer ";

  private final AdminTokens tokens;

  BearerAuth(AdminTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      ctx.fail(new ApiError(401, "unauthorized", "an Authorization: Bearer <token> header is required"));
      return;
    }
    // The body must wait for the BodyHandler that comes after this asynchronous check.
    ctx.request().pause();
    tokens.verify(header.substring(SCHEME.length()).trim()).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result() == null) {
        ctx.fail(new ApiError(401, "unauthorized", "the token is unknown or was revoked"));
      } else if (ar.result().role() == AdminRole.READ_ONLY && !isRead(ctx.request().method())) {
        ctx.fail(new ApiError(403, "forbidden", "a read-only token may only read (GET)"));
      } else {
        ctx.put(TOKEN, ar.result());
        ctx.next();
        ctx.request().resume(); // a route without a body handler reads nothing; one with it has resumed already
      }
    });
  }

  private static boolean isRead(HttpMethod method) {
    return method == HttpMethod.GET || method == HttpMethod.HEAD;
  }

  /** Refuses the request unless its token has the admin role (token management). */
  static void requireAdmin(RoutingContext ctx) {
    AdminToken token = ctx.get(TOKEN);
    if (token == null || token.role() != AdminRole.ADMIN) {
      ctx.fail(new ApiError(403, "forbidden", "only an admin token may manage tokens"));
    } else {
      ctx.next();
    }
  }
}
