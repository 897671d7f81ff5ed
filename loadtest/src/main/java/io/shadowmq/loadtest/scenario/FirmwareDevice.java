package io.shadowmq.loadtest.scenario;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * How a simulated device follows firmware instructions in its desired shadow state (the
 * software-update pattern): on a delta carrying {@code firmware {version, rolloutId, artifacts:
 * [{name, url, sha256, size}]}} (or the older single {@code url, sha256, size}) it reports
 * {@code downloading}, downloads the images over HTTP while hashing them, checks sizes and sha256,
 * reports {@code downloadComplete} and {@code applying}, and after the apply time {@code applyComplete} with the new version. A chosen share of updates fails on
 * purpose ({@code downloadFailed} or {@code applyFailed}). Runs on one context.
 */
public final class FirmwareDevice {
  /** Outcomes reported at the end of an update. */
  public enum Outcome { SUCCEEDED, DOWNLOAD_FAILED, APPLY_FAILED }

  /** Hears about finished updates (for counting). */
  public interface Listener {
    void started(FirmwareDevice device, String version, String rolloutId);

    void finished(FirmwareDevice device, Outcome outcome, long deltaToDoneNanos, long downloadNanos, long bytes);
  }

  private final Vertx vertx;
  private final Context context;
  private final HttpClient http;
  private final String thing;
  private final Consumer<JsonObject> report;
  private final double failShare;
  private final long applyMillis;
  private final Listener listener;
  private String version;
  private String busyWith;

  /**
   * @param report publishes {@code {"state":{"reported":...}}}: gets the reported object
   */
  public FirmwareDevice(Vertx vertx, Context context, HttpClient http, String thing, String version,
                        Consumer<JsonObject> report, double failShare, long applyMillis, Listener listener) {
    this.vertx = vertx;
    this.context = context;
    this.http = http;
    this.thing = thing;
    this.version = version;
    this.report = report;
    this.failShare = failShare;
    this.applyMillis = applyMillis;
    this.listener = listener;
  }

  private JsonObject instruction;
  private String failedWith;
  private String confirmed;

  public String thing() {
    return thing;
  }

  public String version() {
    return version;
  }

  /** Handles the {@code state} object of a delta document. */
  public void onDelta(JsonObject state) {
    JsonObject part = state.getJsonObject("firmware");
    if (part == null) {
      return;
    }
    // A delta holds only the desired leaves that differ from what the device reported: fields it
    // already reported back (the rollout id) are left out of later deltas, so keep the whole instruction.
    instruction = instruction == null ? part.copy() : instruction.mergeIn(part);
    JsonObject fw = instruction;
    if (part.getString("version") == null || fw.getString("version") == null) {
      return;
    }
    String target = fw.getString("version");
    String rolloutId = fw.getString("rolloutId");
    if (target.equals(version)) {
      // Already running it (a repeated delta): say so again, once, so that the shadow converges. Once
      // only: every report is followed by a delta while desired and reported differ (the links until
      // the engine trims them), and answering each would feed a loop.
      if (!(target + "|" + rolloutId).equals(confirmed)) {
        confirmed = target + "|" + rolloutId;
        report.accept(firmware(version, "applyComplete", 100, null, rolloutId));
      }
      return;
    }
    if ((target + "|" + rolloutId).equals(busyWith) || (target + "|" + rolloutId).equals(failedWith)) {
      return; // in progress, or failed: retrying is the rollout's decision (a new instruction), not the device's
    }
    busyWith = target + "|" + rolloutId;
    long deltaAt = System.nanoTime();
    listener.started(this, target, rolloutId);
    report.accept(firmware(version, "downloading", 0, null, rolloutId));
    download(fw).onComplete(ar -> {
      long downloadNanos = System.nanoTime() - deltaAt;
      if (ar.failed()) {
        finish(Outcome.DOWNLOAD_FAILED, "downloadFailed", ar.cause().getMessage(), rolloutId, deltaAt, downloadNanos, 0);
        return;
      }
      long bytes = ar.result();
      double u = failureDraw(thing, rolloutId);
      if (u < failShare / 2) {
        finish(Outcome.DOWNLOAD_FAILED, "downloadFailed", "simulated download failure", rolloutId, deltaAt,
            downloadNanos, bytes);
        return;
      }
      report.accept(firmware(version, "downloadComplete", 100, null, rolloutId));
      report.accept(firmware(version, "applying", 100, null, rolloutId));
      vertx.setTimer(Math.max(1, applyMillis), t -> context.runOnContext(v -> {
        if (u < failShare) {
          finish(Outcome.APPLY_FAILED, "applyFailed", "simulated apply failure", rolloutId, deltaAt, downloadNanos,
              bytes);
        } else {
          version = target;
          finish(Outcome.SUCCEEDED, "applyComplete", null, rolloutId, deltaAt, downloadNanos, bytes);
        }
      }));
    });
  }

  private void finish(Outcome outcome, String status, String error, String rolloutId, long deltaAt,
                      long downloadNanos, long bytes) {
    if (outcome != Outcome.SUCCEEDED) {
      failedWith = busyWith;
    } else {
      confirmed = busyWith; // reported just now: the deltas that still follow (until the trim) need no answer
    }
    busyWith = null;
    report.accept(firmware(version, status, outcome == Outcome.SUCCEEDED ? 100 : 0, error, rolloutId));
    listener.finished(this, outcome, System.nanoTime() - deltaAt, downloadNanos, bytes);
  }

  /**
   * Downloads the instruction's images one after another, each hashed on the way: the
   * {@code artifacts} list ({@code [{name, url, sha256, size}]}), or the single {@code url}
   * of the older layout. Completes with the bytes downloaded if every size and sha256 matches.
   */
  private Future<Long> download(JsonObject fw) {
    JsonArray artifacts = fw.getJsonArray("artifacts");
    if (artifacts == null) {
      return downloadOne(fw.getString("url"), fw.getString("sha256"), fw.getLong("size"));
    }
    Future<Long> total = Future.succeededFuture(0L);
    for (int i = 0; i < artifacts.size(); i++) {
      JsonObject a = artifacts.getJsonObject(i);
      total = total.compose(sum -> downloadOne(a.getString("url"), a.getString("sha256"), a.getLong("size"))
          .map(n -> sum + n));
    }
    return total;
  }

  private Future<Long> downloadOne(String url, String sha256, Long size) {
    if (url == null) {
      return Future.failedFuture("no url in the firmware instruction");
    }
    MessageDigest digest = sha256();
    long[] bytes = {0};
    Promise<Long> done = Promise.promise();
    http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url))
        .compose(req -> req.send())
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            return Future.failedFuture("HTTP " + resp.statusCode() + " from " + url);
          }
          resp.handler(chunk -> {
            bytes[0] += chunk.length();
            digest.update(chunk.getBytes());
          });
          return resp.end();
        })
        .onComplete(ar -> context.runOnContext(v -> {
          if (ar.failed()) {
            done.fail(ar.cause().getMessage() == null ? ar.cause().toString() : ar.cause().getMessage());
            return;
          }
          String actual = HexFormat.of().formatHex(digest.digest());
          if (size != null && size != bytes[0]) {
            done.fail("size mismatch: expected " + size + " bytes, got " + bytes[0]);
          } else if (sha256 != null && !sha256.equalsIgnoreCase(actual)) {
            done.fail("sha256 mismatch");
          } else {
            done.complete(bytes[0]);
          }
        }));
    return done.future();
  }

  /** The reported firmware object. */
  static JsonObject firmware(String version, String status, int progress, String error, String rolloutId) {
    JsonObject fw = new JsonObject().put("version", version).put("status", status).put("progress", progress);
    // the error as the firmware protocol has it: {code, message}; null clears an earlier one
    fw.put("error", error == null ? null : new JsonObject().put("code", status.equals("applyFailed") ? "APPLY_FAILED"
        : "DOWNLOAD_FAILED").put("message", error));
    if (rolloutId != null) {
      fw.put("rolloutId", rolloutId);
    }
    return new JsonObject().put("firmware", fw);
  }

  /** A stable number in [0, 1) per device and rollout: decides who fails on purpose, the same way every run. */
  static double failureDraw(String thing, String rolloutId) {
    byte[] h = sha256().digest((thing + "|" + rolloutId).getBytes(StandardCharsets.UTF_8));
    long v = 0;
    for (int i = 0; i < 7; i++) {
      v = (v << 8) | (h[i] & 0xff);
    }
    return v / (double) (1L << 56);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }
}
