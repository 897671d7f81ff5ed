package io.shadowmq.admin;

import io.shadowmq.shadow.firmware.Artifact;
import io.shadowmq.shadow.firmware.LinkCheck;
import io.shadowmq.shadow.firmware.ReleaseStore;
import io.shadowmq.shadow.firmware.ReleaseStorePg;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /dl/{artifactId}?device=&exp=&sig=}: a device downloads an artifact with a pre-signed
 * link, which is its only authorization. The bytes go from PostgreSQL to the socket a chunk at a
 * time, the next chunk read only when the socket has taken the last one, so a large artifact never
 * sits in memory. Supports one byte range (resume), ETag (the SHA-256) with If-None-Match (304: the
 * device has these bytes already), Content-Disposition with the artifact's name, and HEAD; at most
 * {@code maxConcurrentDownloads} run at once, past that 503 with Retry-After.
 */
final class ArtifactDownloads implements Handler<RoutingContext> {
  /** Seconds a device is told to wait when every download slot is taken. */
  static final int RETRY_AFTER_SECONDS = 5;

  private final FirmwarePorts ports;
  private final DownloadMetrics metrics;
  private final AtomicInteger active = new AtomicInteger();

  /** @param ports null without storage: every download is then a 503 */
  ArtifactDownloads(FirmwarePorts ports) {
    this.ports = ports;
    this.metrics = ports == null ? null : new DownloadMetrics(ports.registry());
  }

  void mount(Router root) {
    root.get("/dl/:artifact").handler(this);
    root.head("/dl/:artifact").handler(this);
    root.route("/dl/*").failureHandler(new ApiFailureHandler());
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ports == null) {
      ctx.fail(new ApiError(503, "storage_unavailable", "downloads need storage (the broker runs --in-memory)"));
      return;
    }
    String artifactId = ctx.pathParam("artifact");
    LinkCheck check = verify(ctx, artifactId);
    if (check != LinkCheck.VALID) {
      metrics.refused(check.reason());
      ctx.fail(ApiError.linkRefused(check.reason(), check == LinkCheck.EXPIRED ? "the download link has expired"
          : "the download link's signature does not match this artifact, device and expiry"));
      return;
    }
    ports.releases().findArtifact(artifactId).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result() == null) {
        metrics.refused("not-found");
        ctx.fail(ApiError.notFound("artifact_not_found", "no artifact " + artifactId));
      } else {
        serve(ctx, ar.result());
      }
    });
  }

  private LinkCheck verify(RoutingContext ctx, String artifactId) {
    String exp = ctx.queryParams().get("exp");
    long expiry;
    try {
      expiry = Long.parseLong(exp);
    } catch (NumberFormatException e) {
      return LinkCheck.BAD_SIGNATURE;
    }
    return ports.links().verify(artifactId, ctx.queryParams().get("device"), expiry, ctx.queryParams().get("sig"));
  }

  private void serve(RoutingContext ctx, Artifact artifact) {
    String etag = "\"" + artifact.sha256() + "\"";
    HttpServerResponse response = ctx.response();
    response.putHeader(HttpHeaders.ACCEPT_RANGES, "bytes").putHeader(HttpHeaders.ETAG, etag);
    if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
      response.setStatusCode(304).end();
      return;
    }
    String ifRange = ctx.request().getHeader("If-Range");
    // A resume whose If-Range names other bytes gets the whole (new) artifact.
    String rangeHeader = ifRange == null || ifRange.equals(etag) ? ctx.request().getHeader("Range") : null;
    DownloadRange range;
    try {
      range = DownloadRange.of(rangeHeader, artifact.size());
    } catch (DownloadRange.UnsatisfiableException e) {
      response.putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + artifact.size());
      ctx.fail(new ApiError(416, "range_not_satisfiable", "the artifact has " + artifact.size() + " bytes"));
      return;
    }
    if (active.incrementAndGet() > ports.maxConcurrentDownloads()) {
      active.decrementAndGet();
      metrics.refused("busy");
      response.putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
      ctx.fail(new ApiError(503, "busy", "too many downloads at once; retry after " + RETRY_AFTER_SECONDS + " s"));
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, artifact.contentType())
        .putHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + artifact.name() + "\"")
        // already compressed images: the server's gzip must leave them alone (and Range counts raw bytes)
        .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
        .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(Math.max(0, range.length())));
    if (range.partial()) {
      response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE,
          "bytes " + range.first() + "-" + range.last() + "/" + artifact.size());
    }
    if (ctx.request().method() == HttpMethod.HEAD || range.length() <= 0) {
      active.decrementAndGet();
      response.end();
      return;
    }
    metrics.started();
    new Transfer(ports.releases(), artifact.id(), range, response).start();
  }

  /** Whether an If-None-Match header names this entity tag (or is {@code *}). */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  /** One download in progress: reads the next piece when the socket has room, until the range is sent. */
  private final class Transfer {
    private final ReleaseStore store;
    private final String artifactId;
    private final long last;
    private final HttpServerResponse response;
    private final AtomicBoolean finished = new AtomicBoolean();
    private long position;

    Transfer(ReleaseStore store, String artifactId, DownloadRange range, HttpServerResponse response) {
      this.store = store;
      this.artifactId = artifactId;
      this.position = range.first();
      this.last = range.last();
      this.response = response;
    }

    void start() {
      response.closeHandler(v -> finish(false));
      response.exceptionHandler(e -> finish(false));
      next();
    }

    private void next() {
      if (finished.get()) {
        return;
      }
      if (position > last) {
        response.end().onComplete(ar -> finish(ar.succeeded()));
        return;
      }
      int want = (int) Math.min(ReleaseStorePg.CHUNK_SIZE, last - position + 1);
      store.read(artifactId, position, want).onComplete(ar -> {
        if (finished.get()) {
          return;
        }
        Buffer piece = ar.succeeded() ? ar.result() : null;
        if (piece == null || piece.length() == 0) {
          // Headers are out: the only honest signal left is to cut the connection short.
          finish(false);
          response.reset();
          return;
        }
        position += piece.length();
        metrics.sent(piece.length());
        response.write(piece);
        if (response.writeQueueFull()) {
          response.drainHandler(v -> next());
        } else {
          next();
        }
      });
    }

    private void finish(boolean complete) {
      if (finished.compareAndSet(false, true)) {
        active.decrementAndGet();
        if (complete) {
          metrics.completed();
        } else {
          metrics.failed();
        }
      }
    }
  }
}
