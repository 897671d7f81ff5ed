package io.shadowmq.loadtest.scenario;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The firmware-following logic against a real HTTP server serving a firmware image. */
@Timeout(30)
class FirmwareDeviceTest {
  private final byte[] image = new byte[300_000];
  private String sha256;
  private Vertx vertx;
  private HttpServer server;
  private HttpClient http;
  private Context context;
  private final AtomicInteger downloads = new AtomicInteger();
  private final List<JsonObject> reports = new CopyOnWriteArrayList<>();
  private final List<FirmwareDevice.Outcome> outcomes = new CopyOnWriteArrayList<>();
  private final List<String> started = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    new Random(7).nextBytes(image);
    sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/fw/2.0.0.bin")) {
        downloads.incrementAndGet();
        req.response().end(Buffer.buffer(image));
      } else {
        req.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    http = vertx.createHttpClient();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private FirmwareDevice device(String thing, double failShare) {
    return new FirmwareDevice(vertx, context, http, thing, "1.0.0", reports::add, failShare, 50,
        new FirmwareDevice.Listener() {
          @Override
          public void started(FirmwareDevice d, String version, String rolloutId) {
            started.add(version);
          }

          @Override
          public void finished(FirmwareDevice d, FirmwareDevice.Outcome outcome, long total, long download, long bytes) {
            outcomes.add(outcome);
          }
        });
  }

  private JsonObject delta(String path, String sha, long size) {
    return new JsonObject().put("firmware", new JsonObject().put("version", "2.0.0")
        .put("url", "http://127.0.0.1:" + server.actualPort() + path).put("sha256", sha).put("size", size)
        .put("rolloutId", "r-42"));
  }

  private void send(FirmwareDevice d, JsonObject state) {
    context.runOnContext(v -> d.onDelta(state));
  }

  private List<String> statuses() {
    return reports.stream().map(r -> r.getJsonObject("firmware").getString("status")).toList();
  }

  @Test
  void followsAFirmwareInstructionAndReportsEachStepEndingWithTheNewVersion() {
    FirmwareDevice d = device("pump-1", 0);
    send(d, delta("/fw/2.0.0.bin", sha256, image.length));
    await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 1);
    assertThat(statuses()).containsExactly("downloading", "downloadComplete", "applying", "applyComplete");
    JsonObject last = reports.get(reports.size() - 1).getJsonObject("firmware");
    assertThat(last.getString("version")).isEqualTo("2.0.0");
    assertThat(last.getString("rolloutId")).isEqualTo("r-42");
    assertThat(reports.get(0).getJsonObject("firmware").getString("version")).isEqualTo("1.0.0");
    assertThat(outcomes).containsExactly(FirmwareDevice.Outcome.SUCCEEDED);
    assertThat(started).containsExactly("2.0.0");
    assertThat(d.version()).isEqualTo("2.0.0");
    assertThat(downloads).hasValue(1);
  }

  @Test
  void anImageWithTheWrongSha256IsReportedAsDownloadFailedAndTheOldVersionStays() {
    FirmwareDevice d = device("pump-2", 0);
    send(d, delta("/fw/2.0.0.bin", "00".repeat(32), image.length));
    await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 1);
    assertThat(statuses()).containsExactly("downloading", "downloadFailed");
    JsonObject last = reports.get(1).getJsonObject("firmware");
    assertThat(last.getJsonObject("error").getString("message")).contains("sha256");
    assertThat(last.getString("version")).isEqualTo("1.0.0");
    assertThat(d.version()).isEqualTo("1.0.0");
  }

  @Test
  void aWrongSizeIsReportedAsDownloadFailed() {
    FirmwareDevice d = device("pump-3", 0);
    send(d, delta("/fw/2.0.0.bin", sha256, image.length + 1));
    await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 1);
    assertThat(reports.get(1).getJsonObject("firmware").getJsonObject("error").getString("message")).contains("size mismatch");
  }

  @Test
  void aMissingImageIsReportedAsDownloadFailedWithTheHttpStatus() {
    FirmwareDevice d = device("pump-4", 0);
    send(d, delta("/fw/nope.bin", sha256, image.length));
    await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 1);
    assertThat(statuses()).containsExactly("downloading", "downloadFailed");
    assertThat(reports.get(1).getJsonObject("firmware").getJsonObject("error").getString("message")).contains("HTTP 404");
  }

  @Test
  void withAFailShareOfOneEveryUpdateFailsOnPurpose() {
    FirmwareDevice d = device("pump-5", 1.0);
    send(d, delta("/fw/2.0.0.bin", sha256, image.length));
    await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 1);
    assertThat(outcomes.get(0)).isIn(FirmwareDevice.Outcome.DOWNLOAD_FAILED, FirmwareDevice.Outcome.APPLY_FAILED);
    assertThat(statuses().get(statuses().size() - 1)).isIn("downloadFailed", "applyFailed");
    assertThat(reports.get(reports.size() - 1).getJsonObject("firmware").getJsonObject("error").getString("message")).contains("simulated");
    assertThat(d.version()).isEqualTo("1.0.0");
  }

  @Test
  void aDeltaForTheRunningVersionIsConfirmedOncePerRolloutAndDownloadsNothing() {
    FirmwareDevice d = device("pump-6", 0);
    send(d, delta("/fw/2.0.0.bin", sha256, image.length));
    await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 1);
    reports.clear();
    // The deltas that follow its own applyComplete (the links stay desired until the rollout trims
    // them) are not answered: the first report below is the confirmation for another rollout.
    send(d, delta("/fw/2.0.0.bin", sha256, image.length));
    send(d, delta("/fw/2.0.0.bin", sha256, image.length).put("firmware", delta("/fw/2.0.0.bin", sha256, image.length)
        .getJsonObject("firmware").put("rolloutId", "r-43")));
    await().atMost(Duration.ofSeconds(10)).until(() -> reports.size() == 1);
    JsonObject confirmed = reports.get(0).getJsonObject("firmware");
    assertThat(confirmed.getString("status")).isEqualTo("applyComplete");
    assertThat(confirmed.getString("rolloutId")).isEqualTo("r-43");
    assertThat(confirmed.getString("version")).isEqualTo("2.0.0");
    assertThat(downloads).hasValue(1);
  }

  @Test
  void theFailureShareIsStablePerDeviceAndRoughlyTheRequestedFraction() {
    int failing = 0;
    for (int i = 0; i < 10_000; i++) {
      double u = FirmwareDevice.failureDraw("dev-" + i, "r-1");
      assertThat(u).isEqualTo(FirmwareDevice.failureDraw("dev-" + i, "r-1")).isBetween(0.0, 1.0);
      if (u < 0.1) {
        failing++;
      }
    }
    assertThat(failing).isBetween(850, 1150);
  }

  @Test
  void aLaterDeltaWithoutTheReportedRolloutIdKeepsTheInstructionsRolloutId() {
    FirmwareDevice d = device("pump-7", 0);
    JsonObject first = delta("/fw/2.0.0.bin", sha256, image.length);
    send(d, first);
    // The shadow's next delta leaves out what the device already reported back (the rollout id).
    JsonObject later = first.copy();
    later.getJsonObject("firmware").remove("rolloutId");
    send(d, later);
    await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 1);
    assertThat(started).containsExactly("2.0.0");
    assertThat(reports).allSatisfy(r -> assertThat(r.getJsonObject("firmware").getString("rolloutId")).isEqualTo("r-42"));
  }

  @Test
  void aFailedInstructionIsNotRetriedByTheDeviceWhenItsDeltaComesAgain() {
    FirmwareDevice d = device("pump-8", 0);
    send(d, delta("/fw/nope.bin", sha256, image.length));
    await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 1);
    int reported = reports.size();
    send(d, delta("/fw/nope.bin", sha256, image.length));
    send(d, new JsonObject().put("firmware", new JsonObject().put("version", "2.0.0")));
    // Both deltas are handled on the device's context after the failure: a marker task queued
    // behind them proves they were processed, and nothing was started or reported again.
    java.util.concurrent.CompletableFuture<Void> processed = new java.util.concurrent.CompletableFuture<>();
    context.runOnContext(v -> processed.complete(null));
    processed.join();
    assertThat(started).hasSize(1);
    assertThat(reports).hasSize(reported);
  }
}
