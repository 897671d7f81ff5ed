package io.shadowmq.admin;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;

/**
 * The one failure handler of the API: every failure becomes {@code {"error": {"code", "message"}}}
 * with its status. Storage that cannot answer is a 503; anything unexpected is a 500 whose cause
 * is logged, never sent.
 */
final class ApiFailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ApiFailureHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    ApiError error = toError(ctx);
    if (ctx.response().headWritten()) {
      ctx.request().connection().close(); // too late to say anything else
      return;
    }
    if (error.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    ctx.response().setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(error.toJson().toBuffer());
  }

  private static ApiError toError(RoutingContext ctx) {
    Throwable f = ctx.failure();
    if (f instanceof ApiError e) {
      return e;
    }
    if (f instanceof DecodeException) {
      return new ApiError(400, "invalid_json", "the body is not valid JSON");
    }
    if (f != null && isStorage(f)) {
      LOG.warn("{} {}: storage did not answer: {}", ctx.request().method(), ctx.request().path(), f.toString());
      return new ApiError(503, "storage_unavailable", "storage is unavailable, retry later");
    }
    int status = f instanceof HttpException he ? he.getStatusCode() : ctx.statusCode();
    return switch (status) {
      case 400 -> new ApiError(400, "bad_request", "the request is malformed");
      case 401 -> new ApiError(401, "unauthorized", "a valid token is required");
      case 403 -> new ApiError(403, "forbidden", "not allowed with this token");
      case 404 -> new ApiError(404, "not_found", "no such resource");
      case 405 -> new ApiError(405, "method_not_allowed", "this resource does not take " + ctx.request().method());
      case 413 -> new ApiError(413, "payload_too_large", "the request body is too large");
      case 415 -> new ApiError(415, "unsupported_media_type", "send application/json");
      default -> {
        LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), f);
        yield new ApiError(500, "internal_error", "internal error");
      }
    };
  }

  /** PostgreSQL refused or could not be reached (the pool's and driver's exceptions), or a store is full. */
  private static boolean isStorage(Throwable f) {
    String type = f.getClass().getName();
    return f instanceof ConnectException || type.startsWith("io.vertx.pgclient.") || type.startsWith("io.vertx.sqlclient.")
        || type.endsWith("StorageBusyException") || type.startsWith("io.netty.channel.");
  }
}
