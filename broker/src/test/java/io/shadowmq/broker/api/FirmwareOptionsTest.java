package io.shadowmq.broker.api;

import io.shadowmq.broker.TestBroker;
import io.shadowmq.broker.config.BrokerConfig;
import io.shadowmq.broker.config.EnvironmentDefaults;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The firmware options: --public-url in the links, their environment twins, bad values, and a broker without storage. */
@Timeout(120)
class FirmwareOptionsTest {

  @Test
  void linksAreBuiltOnThePublicUrl() throws Exception {
    try (TestBroker broker = TestBroker.startWithStorage("--public-url", "https://fw.example.com:8443/");
         ApiClient api = new ApiClient(broker, broker.adminToken())) {
      String release = ReleaseApiTest.createRelease(api, "gw", "1.0.0", new JsonObject());
      String artifact = ReleaseApiTest.upload(api, release, "img", new byte[64], null).json().getString("id");
      String url = api.post("/api/v1/releases/" + release + "/artifacts/img/links", new JsonObject().put("device", "d1"))
          .json().getString("url");
      assertThat(url).startsWith("https://fw.example.com:8443/dl/" + artifact + "?device=d1&exp=");

      // the same path and query on the node's own port is the download
      URI local = URI.create(broker.httpUri() + URI.create(url).getRawPath() + "?" + URI.create(url).getRawQuery());
      HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(local).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).hasSize(64);
    }
  }

  @Test
  void theOptionsHaveEnvironmentTwins() {
    BrokerConfig config = new BrokerConfig();
    CommandLine cli = new CommandLine(config);
    cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of("SHADOWMQ_PUBLIC_URL", "http://gw.local",
        "SHADOWMQ_MAX_ARTIFACT_SIZE", "1000", "SHADOWMQ_MAX_CONCURRENT_DOWNLOADS", "3")));
    cli.parseArgs();
    assertThat(config.publicUrl()).isEqualTo("http://gw.local");
    assertThat(config.maxArtifactSize).isEqualTo(1000);
    assertThat(config.maxConcurrentDownloads).isEqualTo(3);
  }

  @Test
  void badValuesStopTheStart() {
    assertThatThrownBy(() -> TestBroker.start("--public-url", "ftp://fw.example.com"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--public-url");
    assertThatThrownBy(() -> TestBroker.start("--public-url", "fw.example.com"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--public-url");
    assertThatThrownBy(() -> TestBroker.start("--max-artifact-size", "0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--max-artifact-size");
    assertThatThrownBy(() -> TestBroker.start("--max-concurrent-downloads", "0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--max-concurrent-downloads");
  }

  @Test
  void withoutStorageFirmwareRoutesAnswer503() throws Exception {
    try (TestBroker broker = TestBroker.start();
         ApiClient api = new ApiClient(broker, broker.adminToken())) {
      ApiClient.Response releases = api.get("/api/v1/releases");
      assertThat(releases.status()).isEqualTo(503);
      assertThat(releases.errorCode()).isEqualTo("storage_unavailable");
      assertThat(api.get("/api/v1/compliance").status()).isEqualTo(503);
      assertThat(api.send("PUT", "/api/v1/releases/x/artifacts/img", HttpRequest.BodyPublishers.ofByteArray(new byte[10]),
          Map.of()).status()).isEqualTo(503);
      HttpResponse<String> dl = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(broker.httpUri() + "/dl/x?device=d&exp=1&sig=s")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(dl.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(dl.body()).getJsonObject("error").getString("code")).isEqualTo("storage_unavailable");
    }
  }
}
