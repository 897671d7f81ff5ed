package io.shadowmq.broker.api;

import io.shadowmq.broker.TestBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Firmware releases over the admin API against a broker with its embedded PostgreSQL: creating,
 * listing and deleting releases, streamed artifact uploads with their checksum and size limit, and
 * download links; every refusal with its status and error code.
 */
@Timeout(120)
class ReleaseApiTest {
  static final int LIMIT = 8 * 1024 * 1024;
  static TestBroker broker;
  static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.startWithStorage("--max-artifact-size", Integer.toString(LIMIT));
    api = new ApiClient(broker, broker.adminToken());
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    broker.close();
  }

  static String createRelease(ApiClient api, String name, String version, JsonObject compatibility) throws Exception {
    ApiClient.Response made = api.post("/api/v1/releases", new JsonObject().put("name", name).put("version", version)
        .put("compatibility", compatibility).put("notes", "notes of " + version));
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    return made.json().getString("id");
  }

  static ApiClient.Response upload(ApiClient api, String releaseId, String name, byte[] content, String checksum)
      throws Exception {
    Map<String, String> headers = checksum == null ? Map.of("Content-Type", "application/octet-stream")
        : Map.of("Content-Type", "application/octet-stream", "X-Checksum-Sha256", checksum);
    return api.send("PUT", "/api/v1/releases/" + releaseId + "/artifacts/" + name,
        HttpRequest.BodyPublishers.ofByteArray(content), headers);
  }

  @Test
  void aReleaseIsCreatedListedReadAndDeleted() throws Exception {
    ApiClient.Response made = api.post("/api/v1/releases", new JsonObject().put("name", "crud").put("version", "1.0.0")
        .put("compatibility", new JsonObject().put("model", "asg210")).put("notes", "first cut"));
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    JsonObject release = made.json();
    assertThat(release.getString("id")).isNotBlank();
    assertThat(release.getString("name")).isEqualTo("crud");
    assertThat(release.getString("version")).isEqualTo("1.0.0");
    assertThat(release.getJsonObject("compatibility")).isEqualTo(new JsonObject().put("model", "asg210"));
    assertThat(release.getString("notes")).isEqualTo("first cut");
    assertThat(release.getJsonArray("artifacts")).isEmpty();
    String second = createRelease(api, "crud", "1.1.0", new JsonObject());

    assertThat(api.get("/api/v1/releases/" + release.getString("id")).json()).isEqualTo(release);
    ApiClient.Response page = api.get("/api/v1/releases?limit=1");
    assertThat(page.json().getJsonArray("items")).hasSize(1);
    JsonArray all = new JsonArray();
    String cursor = null;
    do {
      ApiClient.Response p = api.get("/api/v1/releases?limit=1" + (cursor == null ? "" : "&cursor=" + cursor));
      all.addAll(p.json().getJsonArray("items"));
      cursor = p.json().getString("nextCursor");
    } while (cursor != null);
    assertThat(all.stream().map(o -> ((JsonObject) o).getString("id")).toList())
        .containsSubsequence(release.getString("id"), second);

    assertThat(api.delete("/api/v1/releases/" + release.getString("id")).status()).isEqualTo(204);
    ApiClient.Response gone = api.get("/api/v1/releases/" + release.getString("id"));
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.errorCode()).isEqualTo("release_not_found");
    assertThat(api.delete("/api/v1/releases/" + release.getString("id")).status()).isEqualTo(404);
  }

  @Test
  void badReleasesAreRefusedNamingTheField() throws Exception {
    ApiClient.Response noVersion = api.post("/api/v1/releases", new JsonObject().put("name", "x"));
    assertThat(noVersion.status()).isEqualTo(400);
    assertThat(noVersion.json().getJsonObject("error").getString("field")).isEqualTo("version");

    ApiClient.Response badName = api.post("/api/v1/releases", new JsonObject().put("name", "a/b").put("version", "1"));
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.json().getJsonObject("error").getString("field")).isEqualTo("name");

    ApiClient.Response badSelector = api.post("/api/v1/releases", new JsonObject().put("name", "x").put("version", "1")
        .put("compatibility", new JsonObject().put("model", 210)));
    assertThat(badSelector.status()).isEqualTo(400);
    assertThat(badSelector.json().getJsonObject("error").getString("field")).isEqualTo("compatibility.model");

    ApiClient.Response unknown = api.post("/api/v1/releases", new JsonObject().put("name", "x").put("version", "1")
        .put("channel", "beta"));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().getJsonObject("error").getString("field")).isEqualTo("channel");

    assertThat(api.send("POST", "/api/v1/releases", "{nope").errorCode()).isEqualTo("invalid_json");

    createRelease(api, "twice", "2.0.0", new JsonObject());
    ApiClient.Response again = api.post("/api/v1/releases", new JsonObject().put("name", "twice").put("version", "2.0.0"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("release_exists");
  }

  @Test
  void aMultiMegabyteArtifactIsStoredWithItsChecksum() throws Exception {
    String id = createRelease(api, "upload", "1.0.0", new JsonObject());
    byte[] image = GeneratedBytes.bytes(5 * 1024 * 1024 + 17, 11);
    String sha = GeneratedBytes.sha256(image);

    ApiClient.Response stored = upload(api, id, "rootfs.img", image, sha.toUpperCase());
    assertThat(stored.status()).as(stored.body()).isEqualTo(201);
    assertThat(stored.json().getString("name")).isEqualTo("rootfs.img");
    assertThat(stored.json().getLong("size")).isEqualTo(image.length);
    assertThat(stored.json().getString("sha256")).isEqualTo(sha);

    // without a checksum header the server's own is kept and reported
    byte[] boot = GeneratedBytes.bytes(300_000, 12);
    ApiClient.Response second = upload(api, id, "boot.bin", boot, null);
    assertThat(second.status()).isEqualTo(201);
    assertThat(second.json().getString("sha256")).isEqualTo(GeneratedBytes.sha256(boot));

    JsonArray artifacts = api.get("/api/v1/releases/" + id).json().getJsonArray("artifacts");
    assertThat(artifacts.stream().map(o -> ((JsonObject) o).getString("name")).toList())
        .containsExactly("boot.bin", "rootfs.img");

    ApiClient.Response replace = upload(api, id, "rootfs.img", boot, null);
    assertThat(replace.status()).isEqualTo(409);
    assertThat(replace.errorCode()).isEqualTo("artifact_exists");
  }

  @Test
  void aChecksumMismatchIs400AndKeepsNothing() throws Exception {
    String id = createRelease(api, "mismatch", "1.0.0", new JsonObject());
    byte[] image = GeneratedBytes.bytes(3 * 1024 * 1024, 13);
    String wrong = GeneratedBytes.sha256(new byte[] {1, 2, 3});

    ApiClient.Response refused = upload(api, id, "img", image, wrong);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo("checksum_mismatch");
    assertThat(refused.json().getJsonObject("error").getString("message")).contains(GeneratedBytes.sha256(image));
    assertThat(api.get("/api/v1/releases/" + id).json().getJsonArray("artifacts")).isEmpty();

    ApiClient.Response malformed = upload(api, id, "img", image, "abc");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().getJsonObject("error").getString("field")).isEqualTo("X-Checksum-Sha256");

    assertThat(upload(api, id, "img", image, GeneratedBytes.sha256(image)).status())
        .as("the name is still free").isEqualTo(201);
  }

  @Test
  void anArtifactPastTheSizeLimitIs413AndKeepsNothing() throws Exception {
    String id = createRelease(api, "large", "1.0.0", new JsonObject());
    byte[] tooLarge = GeneratedBytes.bytes(LIMIT + 1, 14);

    ApiClient.Response declared = upload(api, id, "img", tooLarge, null);
    assertThat(declared.status()).isEqualTo(413);
    assertThat(declared.errorCode()).isEqualTo("artifact_too_large");

    // without Content-Length (chunked) the limit is found while streaming
    ApiClient.Response streamed = api.send("PUT", "/api/v1/releases/" + id + "/artifacts/img",
        HttpRequest.BodyPublishers.ofInputStream(() -> GeneratedBytes.stream(LIMIT + 1, 14)), Map.of());
    assertThat(streamed.status()).isEqualTo(413);
    assertThat(streamed.errorCode()).isEqualTo("artifact_too_large");
    assertThat(api.get("/api/v1/releases/" + id).json().getJsonArray("artifacts")).isEmpty();

    ApiClient.Response exactly = api.send("PUT", "/api/v1/releases/" + id + "/artifacts/img",
        HttpRequest.BodyPublishers.ofInputStream(() -> GeneratedBytes.stream(LIMIT, 14)), Map.of());
    assertThat(exactly.status()).as(exactly.body()).isEqualTo(201);
    assertThat(exactly.json().getLong("size")).isEqualTo(LIMIT);
  }

  @Test
  void anUploadCutOffHalfWayLeavesNothingAndHoldsNothing() throws Exception {
    String id = createRelease(api, "cut", "1.0.0", new JsonObject());
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", broker.httpPort())) {
      java.io.OutputStream out = socket.getOutputStream();
      out.write(("PUT /api/v1/releases/" + id + "/artifacts/img HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + broker.adminToken() + "\r\nContent-Length: 4000000\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(GeneratedBytes.bytes(1_000_000, 16));
      out.flush();
      Thread.sleep(300); // the server has begun storing
    } // the client goes away with 3 MB unsent

    // the same name is free again once the server rolled the cut upload back (no lock left behind)
    byte[] image = GeneratedBytes.bytes(2_000_000, 17);
    ApiClient.Response retried = upload(api, id, "img", image, GeneratedBytes.sha256(image));
    assertThat(retried.status()).as(retried.body()).isEqualTo(201);
    assertThat(api.get("/api/v1/releases/" + id).json().getJsonArray("artifacts")).singleElement()
        .satisfies(a -> assertThat(((JsonObject) a).getLong("size")).isEqualTo(image.length));
  }

  @Test
  void uploadsToWhatDoesNotExistOrUnderBadNamesAreRefused() throws Exception {
    ApiClient.Response noRelease = upload(api, "no-such-release", "img", new byte[10], null);
    assertThat(noRelease.status()).isEqualTo(404);
    assertThat(noRelease.errorCode()).isEqualTo("release_not_found");

    String id = createRelease(api, "names", "1.0.0", new JsonObject());
    ApiClient.Response badName = upload(api, id, "bad%21name", new byte[10], null);
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.json().getJsonObject("error").getString("field")).isEqualTo("name");

    ApiClient.Response badType = api.send("PUT", "/api/v1/releases/" + id + "/artifacts/img",
        HttpRequest.BodyPublishers.ofByteArray(new byte[10]), Map.of("Content-Type", "not a type"));
    assertThat(badType.status()).isEqualTo(400);
    assertThat(badType.json().getJsonObject("error").getString("field")).isEqualTo("Content-Type");
  }

  @Test
  void aLinkIsAnAbsoluteUrlForOneDeviceAndItsExpiry() throws Exception {
    String id = createRelease(api, "links", "1.0.0", new JsonObject());
    String artifactId = upload(api, id, "img", GeneratedBytes.bytes(1000, 15), null).json().getString("id");

    ApiClient.Response link = api.post("/api/v1/releases/" + id + "/artifacts/img/links",
        new JsonObject().put("device", "dev-7").put("ttlSeconds", 600));
    assertThat(link.status()).as(link.body()).isEqualTo(200);
    Instant expiresAt = Instant.parse(link.json().getString("expiresAt"));
    assertThat(expiresAt).isCloseTo(Instant.now().plusSeconds(600), within(Duration.ofSeconds(5)));
    assertThat(link.json().getString("url")).startsWith(broker.httpUri() + "/dl/" + artifactId + "?device=dev-7&exp="
        + expiresAt.getEpochSecond() + "&sig=");

    ApiClient.Response noDevice = api.post("/api/v1/releases/" + id + "/artifacts/img/links", new JsonObject());
    assertThat(noDevice.status()).isEqualTo(400);
    assertThat(noDevice.json().getJsonObject("error").getString("field")).isEqualTo("device");
    ApiClient.Response badTtl = api.post("/api/v1/releases/" + id + "/artifacts/img/links",
        new JsonObject().put("device", "dev-7").put("ttlSeconds", 0));
    assertThat(badTtl.json().getJsonObject("error").getString("field")).isEqualTo("ttlSeconds");
    ApiClient.Response noArtifact = api.post("/api/v1/releases/" + id + "/artifacts/other/links",
        new JsonObject().put("device", "dev-7"));
    assertThat(noArtifact.status()).isEqualTo(404);
    assertThat(noArtifact.errorCode()).isEqualTo("artifact_not_found");
  }

  @Test
  void aReadOnlyTokenReadsReleasesButCannotChangeThemAndNoTokenIsRefused() throws Exception {
    String id = createRelease(api, "ro", "1.0.0", new JsonObject());
    String token = api.post("/api/v1/admin-tokens", new JsonObject().put("name", "fw-reader").put("role", "read-only"))
        .json().getString("token");
    try (ApiClient reader = new ApiClient(broker, token)) {
      assertThat(reader.get("/api/v1/releases/" + id).status()).isEqualTo(200);
      assertThat(reader.post("/api/v1/releases", new JsonObject().put("name", "x").put("version", "1")).status())
          .isEqualTo(403);
      assertThat(upload(reader, id, "img", new byte[100], null).status()).isEqualTo(403);
      assertThat(reader.delete("/api/v1/releases/" + id).status()).isEqualTo(403);
      reader.token(null);
      assertThat(upload(reader, id, "img", new byte[100], null).status()).isEqualTo(401);
    }
    assertThat(api.get("/api/v1/releases/" + id).json().getJsonArray("artifacts")).isEmpty();
  }
}
