package io.shadowmq.broker.api;

import io.shadowmq.broker.TestBroker;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.BufferPoolMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Devices downloading artifacts from /dl with pre-signed links, over real HTTP against a broker
 * with its embedded PostgreSQL: whole and resumed (Range) downloads, refused links, the bound on
 * concurrent downloads, and large artifacts uploaded and served with flat memory.
 */
@Timeout(180)
class ArtifactDownloadTest {
  static final int SMALL_SIZE = 6 * 1024 * 1024 + 123;
  static final long LARGE_SIZE = 96L * 1024 * 1024;
  static final long LARGE_SEED = 77;
  static TestBroker broker;
  static ApiClient api;
  static String releaseId;
  static byte[] small;
  static String smallSha;
  static String smallId;
  static String largeId;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<InputStream> open = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.startWithStorage("--max-concurrent-downloads", "2");
    api = new ApiClient(broker, broker.adminToken());
    releaseId = ReleaseApiTest.createRelease(api, "downloads", "1.0.0", new JsonObject());
    small = GeneratedBytes.bytes(SMALL_SIZE, 5);
    smallSha = GeneratedBytes.sha256(small);
    smallId = ReleaseApiTest.upload(api, releaseId, "small.img", small, smallSha).json().getString("id");

    long began = System.nanoTime();
    ApiClient.Response large = api.send("PUT", "/api/v1/releases/" + releaseId + "/artifacts/large.img",
        HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
            () -> GeneratedBytes.stream(LARGE_SIZE, LARGE_SEED)), LARGE_SIZE),
        Map.of("X-Checksum-Sha256", GeneratedBytes.sha256(LARGE_SIZE, LARGE_SEED)));
    double seconds = (System.nanoTime() - began) / 1e9;
    assertThat(large.status()).as(large.body()).isEqualTo(201);
    System.out.printf("upload of %d MB: %.2f s, %.1f MB/s%n", LARGE_SIZE >> 20, seconds, (LARGE_SIZE >> 20) / seconds);
    largeId = large.json().getString("id");
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    broker.close();
  }

  @AfterEach
  void closeDownloads() throws Exception {
    for (InputStream in : open) {
      in.close();
    }
  }

  private String link(String artifact, String device, int ttlSeconds) throws Exception {
    ApiClient.Response r = api.post("/api/v1/releases/" + releaseId + "/artifacts/" + artifact + "/links",
        new JsonObject().put("device", device).put("ttlSeconds", ttlSeconds));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().getString("url");
  }

  private HttpResponse<byte[]> get(String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<InputStream> stream(String url) throws Exception {
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .build(), HttpResponse.BodyHandlers.ofInputStream());
    open.add(r.body());
    return r;
  }

  private static JsonObject error(HttpResponse<byte[]> r) {
    assertThat(r.headers().firstValue("content-type")).contains("application/json");
    return new JsonObject(new String(r.body())).getJsonObject("error");
  }

  @Test
  void aLinkDownloadsTheWholeArtifactWithItsHeadersAndIsCounted() throws Exception {
    double completed = broker.counter("shadowmq.firmware.downloads.completed");
    double bytes = broker.counter("shadowmq.firmware.download.bytes");
    String url = link("small.img", "dev-1", 600);

    HttpResponse<byte[]> r = get(url);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(GeneratedBytes.sha256(r.body())).isEqualTo(smallSha);
    assertThat(r.headers().firstValue("etag")).contains("\"" + smallSha + "\"");
    assertThat(r.headers().firstValue("content-length")).contains(Integer.toString(SMALL_SIZE));
    assertThat(r.headers().firstValue("accept-ranges")).contains("bytes");
    assertThat(r.headers().firstValue("content-type")).contains("application/octet-stream");
    assertThat(r.headers().firstValue("content-disposition")).contains("attachment; filename=\"small.img\"");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(broker.counter("shadowmq.firmware.downloads.completed")).isEqualTo(completed + 1);
      assertThat(broker.counter("shadowmq.firmware.download.bytes")).isEqualTo(bytes + SMALL_SIZE);
    });

    HttpResponse<byte[]> gzipAccepted = get(url, "Accept-Encoding", "gzip");
    assertThat(gzipAccepted.headers().firstValue("content-encoding").orElse("identity")).isEqualTo("identity");
    assertThat(gzipAccepted.body()).as("images go out as they are, so lengths and ranges hold").isEqualTo(small);

    // a device that has these bytes already asks with their ETag and gets no body
    HttpResponse<byte[]> unchanged = get(url, "If-None-Match", "\"" + smallSha + "\"");
    assertThat(unchanged.statusCode()).isEqualTo(304);
    assertThat(unchanged.body()).isEmpty();
    assertThat(unchanged.headers().firstValue("etag")).contains("\"" + smallSha + "\"");
    HttpResponse<byte[]> other = get(url, "If-None-Match", "\"" + "0".repeat(64) + "\"");
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.body()).isEqualTo(small);
    HttpResponse<byte[]> forged = get(url.replace("device=dev-1", "device=dev-2"), "If-None-Match", "*");
    assertThat(forged.statusCode()).as("the link is checked first").isEqualTo(403);

    HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(URI.create(url))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("content-length")).contains(Integer.toString(SMALL_SIZE));
    assertThat(head.body()).isEmpty();
  }

  @Test
  void aCutDownloadResumesFromTheMiddleWithRange() throws Exception {
    String url = link("small.img", "dev-2", 600);
    int cut = SMALL_SIZE / 2 + 1001;
    byte[] first;
    HttpResponse<InputStream> interrupted = stream(url);
    try (InputStream in = interrupted.body()) {
      first = in.readNBytes(cut);
    }
    String etag = interrupted.headers().firstValue("etag").orElseThrow();

    HttpResponse<byte[]> rest = get(url, "Range", "bytes=" + cut + "-", "If-Range", etag);

    assertThat(rest.statusCode()).isEqualTo(206);
    assertThat(rest.headers().firstValue("content-range")).contains("bytes " + cut + "-" + (SMALL_SIZE - 1) + "/"
        + SMALL_SIZE);
    assertThat(rest.headers().firstValue("content-length")).contains(Integer.toString(SMALL_SIZE - cut));
    byte[] whole = Arrays.copyOf(first, SMALL_SIZE);
    System.arraycopy(rest.body(), 0, whole, cut, rest.body().length);
    assertThat(GeneratedBytes.sha256(whole)).isEqualTo(smallSha);

    HttpResponse<byte[]> tail = get(url, "Range", "bytes=-100");
    assertThat(tail.statusCode()).isEqualTo(206);
    assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(small, SMALL_SIZE - 100, SMALL_SIZE));
    HttpResponse<byte[]> span = get(url, "Range", "bytes=262140-262150"); // across a stored chunk's end
    assertThat(span.body()).isEqualTo(Arrays.copyOfRange(small, 262140, 262151));

    HttpResponse<byte[]> past = get(url, "Range", "bytes=" + SMALL_SIZE + "-");
    assertThat(past.statusCode()).isEqualTo(416);
    assertThat(past.headers().firstValue("content-range")).contains("bytes */" + SMALL_SIZE);
    assertThat(error(past).getString("code")).isEqualTo("range_not_satisfiable");

    HttpResponse<byte[]> changed = get(url, "Range", "bytes=" + cut + "-", "If-Range", "\"something-else\"");
    assertThat(changed.statusCode()).as("If-Range of other bytes: the whole artifact").isEqualTo(200);
    assertThat(changed.body()).hasSize(SMALL_SIZE);
  }

  @Test
  void expiredTamperedAndOtherDevicesLinksAreRefusedWithTheReason() throws Exception {
    double badSignatures = broker.counter("shadowmq.firmware.downloads.refused", "reason", "bad-signature");
    String url = link("small.img", "dev-3", 600);
    String sig = url.substring(url.indexOf("&sig=") + 5);
    long exp = Long.parseLong(url.replaceFirst(".*&exp=(\\d+).*", "$1"));
    String base = broker.httpUri() + "/dl/" + smallId;

    List<String> forged = List.of(
        base + "?device=dev-4&exp=" + exp + "&sig=" + sig,                                  // another device
        base + "?device=dev-3&exp=" + (exp + 86400) + "&sig=" + sig,                        // a longer life
        base + "?device=dev-3&exp=" + exp + "&sig=" + (sig.charAt(0) == 'A' ? 'B' : 'A') + sig.substring(1),
        base + "?device=dev-3&exp=" + exp,                                                  // no signature
        base + "?device=dev-3&exp=soon&sig=" + sig,
        broker.httpUri() + "/dl/" + largeId + "?device=dev-3&exp=" + exp + "&sig=" + sig);  // another artifact
    for (String f : forged) {
      HttpResponse<byte[]> r = get(f);
      assertThat(r.statusCode()).as(f).isEqualTo(403);
      assertThat(error(r).getString("reason")).as(f).isEqualTo("bad-signature");
      assertThat(error(r).getString("code")).isEqualTo("link_refused");
    }
    assertThat(broker.counter("shadowmq.firmware.downloads.refused", "reason", "bad-signature"))
        .isEqualTo(badSignatures + forged.size());

    String shortLived = link("small.img", "dev-3", 1);
    long expiry = Long.parseLong(shortLived.replaceFirst(".*&exp=(\\d+).*", "$1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().getEpochSecond() > expiry);
    HttpResponse<byte[]> expired = get(shortLived);
    assertThat(expired.statusCode()).isEqualTo(403);
    assertThat(error(expired).getString("reason")).isEqualTo("expired");
    assertThat(get(url).statusCode()).as("the genuine link still works").isEqualTo(200);
  }

  @Test
  void aLinkToADeletedArtifactIs404() throws Exception {
    String other = ReleaseApiTest.createRelease(api, "short-lived", "1.0.0", new JsonObject());
    ReleaseApiTest.upload(api, other, "img", new byte[1000], null);
    String url = api.post("/api/v1/releases/" + other + "/artifacts/img/links", new JsonObject().put("device", "d"))
        .json().getString("url");
    assertThat(get(url).statusCode()).isEqualTo(200);

    assertThat(api.delete("/api/v1/releases/" + other).status()).isEqualTo(204);

    HttpResponse<byte[]> gone = get(url);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(error(gone).getString("code")).isEqualTo("artifact_not_found");
  }

  @Test
  void downloadsPastTheBoundAre503WithRetryAfterUntilASlotFrees() throws Exception {
    String url = link("large.img", "dev-5", 600);
    HttpResponse<InputStream> one = stream(url);
    HttpResponse<InputStream> two = stream(url);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(two.statusCode()).isEqualTo(200);

    HttpResponse<byte[]> third = get(url);
    assertThat(third.statusCode()).isEqualTo(503);
    assertThat(third.headers().firstValue("retry-after")).contains("5");
    assertThat(error(third).getString("code")).isEqualTo("busy");

    one.body().close(); // the device gives up: its slot frees
    String smallUrl = link("small.img", "dev-5", 600);
    await().atMost(Duration.ofSeconds(10)).until(() -> get(smallUrl).statusCode() == 200);
  }

  @Test
  void rotatedKeysKeepThePreviousLinksUntilTheNextRotation() throws Exception {
    String before = link("small.img", "dev-6", 600);
    assertThat(api.post("/api/v1/download-keys/rotate", null).status()).isEqualTo(200);
    String after = link("small.img", "dev-6", 600);
    assertThat(get(before).statusCode()).isEqualTo(200);
    assertThat(get(after).statusCode()).isEqualTo(200);

    assertThat(api.post("/api/v1/download-keys/rotate", null).status()).isEqualTo(200);
    HttpResponse<byte[]> old = get(before);
    assertThat(old.statusCode()).isEqualTo(403);
    assertThat(error(old).getString("reason")).isEqualTo("bad-signature");
    assertThat(get(after).statusCode()).isEqualTo(200);
  }

  /** Heap in use plus the JVM's direct buffers (where Netty keeps bytes on their way to a socket). */
  private static long memoryInUse() {
    System.gc();
    long direct = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      direct += pool.getMemoryUsed();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + direct;
  }

  @Test
  void aLargeArtifactIsServedWithFlatMemoryToASlowDevice() throws Exception {
    String url = link("large.img", "dev-9", 600);
    long baseline = memoryInUse();
    long peak = baseline;
    long received = 0;
    long began = System.nanoTime();
    HttpResponse<InputStream> r = stream(url);
    assertThat(r.statusCode()).isEqualTo(200);
    byte[] buf = new byte[64 * 1024];
    long nextSample = 8L << 20;
    try (InputStream in = r.body()) {
      for (int n; (n = in.read(buf)) > 0; ) {
        received += n;
        Thread.sleep(0, 500_000); // a device slower than the store: without back-pressure bytes would pile up
        if (received >= nextSample) {
          peak = Math.max(peak, memoryInUse());
          nextSample += 8L << 20;
        }
      }
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    System.out.printf("slow download of %d MB, memory sampled every 8 MB: %.2f s; heap + direct buffers after GC: "
        + "baseline %d MB, peak %d MB (+%d KB)%n", LARGE_SIZE >> 20, seconds, baseline >> 20, peak >> 20,
        (peak - baseline) >> 10);

    assertThat(received).isEqualTo(LARGE_SIZE);
    // Holding the artifact (or a good part of it) would add tens of MB; streaming adds a few chunks.
    assertThat(peak - baseline).as("memory growth while serving %d MB", LARGE_SIZE >> 20).isLessThan(16L << 20);
  }

  @Test
  void aLargeUploadIsStoredWithFlatMemory() throws Exception {
    String id = ReleaseApiTest.createRelease(api, "upload-memory", "1.0.0", new JsonObject());
    long baseline = memoryInUse();
    long[] peak = {baseline};
    java.util.concurrent.atomic.AtomicBoolean uploading = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread sampler = new Thread(() -> {
      while (uploading.get()) {
        peak[0] = Math.max(peak[0], memoryInUse());
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.start();
    long began = System.nanoTime();
    ApiClient.Response r;
    try {
      r = api.send("PUT", "/api/v1/releases/" + id + "/artifacts/big.img",
          HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
              () -> GeneratedBytes.stream(LARGE_SIZE, 78)), LARGE_SIZE), Map.of());
    } finally {
      uploading.set(false);
      sampler.join();
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    System.out.printf("upload of %d MB, memory sampled every 50 ms: %.2f s; heap + direct buffers after GC: "
        + "baseline %d MB, peak %d MB (+%d KB)%n", LARGE_SIZE >> 20, seconds, baseline >> 20, peak[0] >> 20,
        (peak[0] - baseline) >> 10);

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().getString("sha256")).isEqualTo(GeneratedBytes.sha256(LARGE_SIZE, 78));
    assertThat(peak[0] - baseline).as("memory growth while storing %d MB", LARGE_SIZE >> 20).isLessThan(16L << 20);
  }

  @Test
  void aLargeArtifactArrivesIntact() throws Exception {
    String url = link("large.img", "dev-10", 600);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long began = System.nanoTime();
    HttpResponse<InputStream> r = stream(url);
    long received = 0;
    byte[] buf = new byte[256 * 1024];
    try (InputStream in = r.body()) {
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
        received += n;
      }
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    System.out.printf("download of %d MB: %.2f s, %.1f MB/s%n", LARGE_SIZE >> 20, seconds, (LARGE_SIZE >> 20) / seconds);
    assertThat(received).isEqualTo(LARGE_SIZE);
    assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(GeneratedBytes.sha256(LARGE_SIZE, LARGE_SEED));
  }
}
