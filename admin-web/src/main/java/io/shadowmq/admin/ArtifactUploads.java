package io.shadowmq.admin;

import io.shadowmq.shadow.firmware.Artifact;
import io.shadowmq.shadow.firmware.NewArtifact;
import io.shadowmq.shadow.firmware.ReleaseStore;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code PUT /api/v1/releases/{id}/artifacts/{name}} with the file as the body: streamed into the
 * store (no body handler buffers it), its SHA-256 computed on the way and checked against
 * {@code X-Checksum-Sha256} when given. 201 with name, size and sha256; 400 on a checksum mismatch,
 * 413 past the size limit, 404 for an unknown release, 409 when the name is taken, 503 with
 * Retry-After while {@code maxConcurrentUploads} uploads run on this node (each holds a connection
 * of the artifact pool for its whole transaction). A refused upload keeps nothing.
 */
final class ArtifactUploads {
  static final String CHECKSUM_HEADER = "X-Checksum-Sha256";
  /** After a refusal the rest of the body is read and dropped, up to this, so the client sees the answer. */
  private static final long DISCARD_AT_MOST = 64L * 1024 * 1024;

  /** Seconds a client is told to wait when every upload slot is taken. */
  static final int RETRY_AFTER_SECONDS = 10;

  private final FirmwarePorts ports;
  private final AtomicInteger active = new AtomicInteger();

  ArtifactUploads(FirmwarePorts ports) {
    this.ports = ports;
  }

  void mount(Router r) {
    r.put("/releases/:id/artifacts/:name").handler(this::upload);
  }

  private void upload(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    try {
      FirmwarePorts p = ReleaseRoutes.required(ports);
      String name = ctx.pathParam("name");
      String problem = Artifact.nameProblem(name);
      if (problem != null) {
        throw ApiError.invalidField("name", problem);
      }
      String checksum = request.getHeader(CHECKSUM_HEADER);
      if (checksum != null) {
        checksum = checksum.trim().toLowerCase(Locale.ROOT);
        if (Artifact.sha256Problem(checksum) != null) {
          throw ApiError.invalidField(CHECKSUM_HEADER, Artifact.sha256Problem(checksum));
        }
      }
      String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
      if (contentType == null || contentType.isBlank()) {
        contentType = Artifact.DEFAULT_CONTENT_TYPE;
      } else if (Artifact.contentTypeProblem(contentType.trim()) != null) {
        throw ApiError.invalidField("Content-Type", Artifact.contentTypeProblem(contentType.trim()));
      }
      String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (declared != null && declared.matches("\\d{1,18}") && Long.parseLong(declared) > p.maxArtifactSize()) {
        throw tooLarge(p.maxArtifactSize());
      }
      NewArtifact artifact = new NewArtifact(ctx.pathParam("id"), name, contentType.trim(), checksum,
          p.maxArtifactSize());
      if (active.incrementAndGet() > p.maxConcurrentUploads()) {
        active.decrementAndGet();
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
        throw new ApiError(503, "busy", p.maxConcurrentUploads() + " uploads are running on this node "
            + "(--max-concurrent-uploads); retry after " + RETRY_AFTER_SECONDS + " s");
      }
      p.releases().storeArtifact(artifact, request).onComplete(ar -> {
        active.decrementAndGet();
        if (ar.succeeded()) {
          Artifact a = ar.result();
          ctx.response().setStatusCode(201).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .end(ReleaseRoutes.json(a).encode());
        } else {
          refuse(ctx, toApiError(ar.cause(), artifact));
        }
      });
    } catch (RuntimeException e) {
      refuse(ctx, e);
    }
  }

  private static ApiError tooLarge(long limit) {
    return new ApiError(413, "artifact_too_large", "an artifact may have " + limit + " bytes at most");
  }

  private static Throwable toApiError(Throwable e, NewArtifact artifact) {
    if (e instanceof ReleaseStore.ChecksumMismatchException) {
      return new ApiError(400, "checksum_mismatch", e.getMessage() + "; nothing was kept");
    } else if (e instanceof ReleaseStore.ArtifactTooLargeException) {
      return tooLarge(artifact.maxSize());
    } else if (e instanceof ReleaseStore.ReleaseNotFoundException) {
      return ReleaseRoutes.noRelease(artifact.releaseId());
    } else if (e instanceof ReleaseStore.ArtifactExistsException) {
      return ApiError.conflict("artifact_exists", e.getMessage() + "; artifacts cannot be replaced, "
          + "make a new release");
    }
    return e;
  }

  /**
   * Answers the refusal right away and reads the rest of the body into nothing, so the client,
   * still sending, gets the answer rather than a reset; a body far past that is cut off.
   */
  private static void refuse(RoutingContext ctx, Throwable error) {
    HttpServerRequest request = ctx.request();
    if (!request.isEnded()) {
      long[] dropped = {0};
      request.handler(data -> {
        dropped[0] += data.length();
        if (dropped[0] > DISCARD_AT_MOST) {
          request.connection().close();
        }
      });
      request.exceptionHandler(e -> { });
      request.endHandler(null);
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      request.resume();
    }
    ctx.fail(error);
  }
}
