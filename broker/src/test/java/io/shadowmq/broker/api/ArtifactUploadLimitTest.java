package io.shadowmq.broker.api;

import io.shadowmq.broker.TestBroker;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upload holds a PostgreSQL connection for as long as its body arrives. With one connection in
 * the main pool and one upload slot: an upload in progress leaves shadow writes unhindered (the
 * bytes go through a pool of their own), a second upload meanwhile is refused with 503 and
 * Retry-After, and the slot is free again once the first has finished.
 */
@Timeout(120)
class ArtifactUploadLimitTest {
  static TestBroker broker;
  static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.startWithStorage("--max-concurrent-uploads", "1", "--pg-pool-size", "1");
    api = new ApiClient(broker, broker.adminToken());
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    broker.close();
  }

  @Test
  void aSlowUploadNeitherBlocksShadowWritesNorLetsASecondUploadIn() throws Exception {
    String id = ReleaseApiTest.createRelease(api, "slow", "1.0.0", new JsonObject());
    assertThat(api.post("/api/v1/devices", new JsonObject().put("id", "pump-7")).status()).isEqualTo(201);
    byte[] image = GeneratedBytes.bytes(4_000_000, 21);

    try (Socket slow = new Socket("127.0.0.1", broker.httpPort())) {
      OutputStream out = slow.getOutputStream();
      out.write(("PUT /api/v1/releases/" + id + "/artifacts/app HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + broker.adminToken() + "\r\nContent-Type: application/octet-stream\r\n"
          + "Content-Length: " + image.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(image, 0, 1_000_000);
      out.flush();
      Thread.sleep(300); // the server has begun storing: its transaction is open

      ApiClient.Response second = ReleaseApiTest.upload(api, id, "other", new byte[1000], null);
      assertThat(second.status()).as(second.body()).isEqualTo(503);
      assertThat(second.errorCode()).isEqualTo("busy");
      assertThat(second.headers().firstValue("Retry-After")).hasValue("10");

      ApiClient.Response shadow = api.patch("/api/v1/devices/pump-7/shadow", new JsonObject()
          .put("state", new JsonObject().put("desired", new JsonObject().put("speed", 3))));
      assertThat(shadow.status()).as("a shadow write while the upload runs: " + shadow.body()).isEqualTo(200);

      out.write(image, 1_000_000, image.length - 1_000_000);
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(slow.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(in.readLine()).isEqualTo("HTTP/1.1 201 Created");
    }

    ApiClient.Response third = ReleaseApiTest.upload(api, id, "other", new byte[1000], null);
    assertThat(third.status()).as(third.body()).isEqualTo(201);
    JsonObject release = api.get("/api/v1/releases/" + id).json();
    assertThat(release.getJsonArray("artifacts").stream().map(a -> ((JsonObject) a).getLong("size")))
        .containsExactlyInAnyOrder((long) image.length, 1000L);
  }
}
