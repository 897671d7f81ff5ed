package io.shadowmq.admin;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The process's HTTP face, as one vertx-web router for the broker to serve: the admin REST API
 * under {@code /api/v1} (bearer tokens), its OpenAPI description at {@code /openapi.yaml},
 * Prometheus metrics at {@code /metrics}, the health probes under {@code /health} and device
 * downloads of firmware artifacts under {@code /dl} (authorized by their pre-signed links).
 * {@code /console/} is left for the web console.
 */
public final class AdminApi {
  /** Largest request body: a device, a shadow update, a published message with its payload. */
  static final long BODY_LIMIT = 1024 * 1024;

  private AdminApi() {
  }

  /** The router; {@code vertx} runs the password hashing off the event loop. */
  public static Router router(Vertx vertx, AdminPorts ports) {
    Router root = Router.router(vertx);
    new HealthRoutes(ports.health()).mount(root);
    if (ports.metrics() != null) {
      root.get("/metrics").handler(PrometheusScrapingHandler.create(ports.metrics()));
    }
    Buffer openapi = openApiDocument();
    root.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml")
        .end(openapi));

    new ArtifactDownloads(ports.firmware()).mount(root);

    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
    DevicePages pages = ports.devices() == null ? null
        : new DevicePages(ports.devices(), ports.clients(), ports.gateway());

    // One router for the API, behind the token check; each resource adds its routes to it.
    Router api = Router.router(vertx);
    api.route().handler(new BearerAuth(ports.tokens()));
    new DeviceRoutes(vertx, ports.devices(), ports.clients(), ports.gateway(), ports.rollouts()).mount(api, body);
    new ShadowRoutes(ports.shadows(), ports.shadowReplies()).mount(api, body);
    new MethodRoutes(ports.gateway()).mount(api, body);
    new GroupRoutes(ports.groups(), pages, ports.rollouts()).mount(api, body);
    new ClientRoutes(ports.clients()).mount(api);
    MessageRoutes messages = new MessageRoutes(ports.retained(), ports.publisher());
    messages.mountRetained(api);
    messages.mountPublish(api, body);
    new TokenRoutes(ports.tokens()).mount(api, body);
    new ReleaseRoutes(ports.firmware()).mount(api, body);
    new ArtifactUploads(ports.firmware()).mount(api);
    new ComplianceRoutes(ports.firmware()).mount(api);
    new RolloutRoutes(ports.rollouts()).mount(api, body);
    api.route().last().handler(ctx -> ctx.fail(ApiError.notFound("not_found", "no resource "
        + ctx.request().path())));
    api.route().failureHandler(new ApiFailureHandler());
    root.route("/api/v1/*").subRouter(api);
    return root;
  }

  private static Buffer openApiDocument() {
    try (InputStream in = AdminApi.class.getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the admin-web jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
