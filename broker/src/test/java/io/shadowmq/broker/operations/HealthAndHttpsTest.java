package io.shadowmq.broker.operations;

import io.shadowmq.broker.TestBroker;
import io.shadowmq.broker.security.TestCertificates;
import io.shadowmq.shadow.store.EmbeddedPostgresServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The probes: live while the event loops run, ready while listeners are bound and PostgreSQL
 * answers (503 while it is down, and the API says 503 too, then both recover); and the HTTP port
 * as HTTPS on the MQTT certificate, following its renewal.
 */
@Timeout(120)
class HealthAndHttpsTest {
  @TempDir
  Path pgData;
  @TempDir
  Path dir;
  EmbeddedPostgresServer postgres;
  TestBroker broker;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void tearDown() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  HttpResponse<String> get(HttpClient client, String uri, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readinessFollowsPostgresAndLivenessStaysUp() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // PostgreSQL must come back on the same port
    }
    postgres = EmbeddedPostgresServer.start(pgData, port);
    broker = TestBroker.startWithStorage("--pg-url", "postgresql://postgres@127.0.0.1:" + port + "/postgres");
    String token = broker.adminToken();

    HttpResponse<String> ready = get(http, broker.httpUri() + "/health/ready", null);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ready.body()).getJsonObject("checks").getBoolean("storage")).isTrue();
    assertThat(get(http, broker.httpUri() + "/health/live", null).statusCode()).isEqualTo(200);

    postgres.close();
    await().atMost(Duration.ofSeconds(20)).until(() -> get(http, broker.httpUri() + "/health/ready", null).statusCode() == 503);
    JsonObject notReady = new JsonObject(get(http, broker.httpUri() + "/health/ready", null).body());
    assertThat(notReady.getJsonObject("checks").getBoolean("storage")).isFalse();
    assertThat(notReady.getJsonObject("checks").getBoolean("listeners")).isTrue();
    assertThat(get(http, broker.httpUri() + "/health/live", null).statusCode()).isEqualTo(200);
    HttpResponse<String> api = get(http, broker.httpUri() + "/api/v1/devices", token);
    assertThat(api.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(api.body()).getJsonObject("error").getString("code")).isEqualTo("storage_unavailable");

    postgres = EmbeddedPostgresServer.start(pgData, port);
    await().atMost(Duration.ofSeconds(30)).until(() -> get(http, broker.httpUri() + "/health/ready", null).statusCode() == 200);
    await().atMost(Duration.ofSeconds(30)).until(() -> get(http, broker.httpUri() + "/api/v1/devices", token).statusCode() == 200);
  }

  @Test
  void withACertificateTheHttpPortIsHttpsAndFollowsARenewedCertificate() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("http-ca");
    TestCertificates.Issued first = TestCertificates.server(ca);
    Path cert = first.write(dir, "server");
    Path key = dir.resolve("server.key");
    broker = TestBroker.start("--tls-cert", cert.toString(), "--tls-key", key.toString(), "--mqtts-port", "0",
        "--wss-port", "-1");
    assertThat(broker.httpUri()).startsWith("https://");

    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, ca.trustManager().getTrustManagers(), null);
    HttpClient https = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> live = get(https, broker.httpUri() + "/health/live", null);
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(served(live)).isEqualTo(first.cert().getSerialNumber());

    TestCertificates.Issued renewed = TestCertificates.server(ca);
    Path staged = Files.createDirectories(dir.resolve("staged"));
    renewed.write(staged, "server");
    Files.move(staged.resolve("server.key"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.move(staged.resolve("server.pem"), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    await().atMost(Duration.ofSeconds(30)).until(() -> {
      // A new client each time: a pooled connection would keep the old handshake.
      HttpClient fresh = HttpClient.newBuilder().sslContext(tls).build();
      return served(get(fresh, broker.httpUri() + "/health/live", null)).equals(renewed.cert().getSerialNumber());
    });
  }

  private static java.math.BigInteger served(HttpResponse<String> r) throws Exception {
    SSLSession session = r.sslSession().orElseThrow();
    return ((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber();
  }
}
