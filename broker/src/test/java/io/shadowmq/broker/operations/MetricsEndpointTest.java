package io.shadowmq.broker.operations;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /metrics} after some real traffic (MQTT, a shadow update, an HTTP call): Prometheus text
 * that {@code promtool check metrics} (Debian package prometheus) accepts, with the meters
 * docs/metrics.md lists, and no client id or thing name in any label.
 */
@Timeout(60)
class MetricsEndpointTest {
  static TestBroker broker;
  static String scrape;

  @BeforeAll
  static void trafficThenScrape() throws Exception {
    broker = TestBroker.startWithStorage();
    try (Clients clients = new Clients(broker)) {
      Mqtt5BlockingClient sub = clients.hive5("metrics-sub-7");
      sub.connect();
      var inbox = sub.publishes(MqttGlobalPublishFilter.SUBSCRIBED);
      sub.subscribeWith().topicFilter("m/#").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5BlockingClient pub = clients.hive5("metrics-pub-7");
      pub.connect();
      pub.publishWith().topic("m/1").payload("x".getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();
      pub.publishWith().topic("$aws/things/thing-77/shadow/update")
          .payload("{\"state\":{\"desired\":{\"a\":1}}}".getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();
      assertThat(inbox.receive(10, TimeUnit.SECONDS)).isPresent();
    }
    HttpClient http = HttpClient.newHttpClient();
    http.send(HttpRequest.newBuilder(URI.create(broker.httpUri() + "/health/ready")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(broker.httpUri() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
    scrape = r.body();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void promtoolAcceptsTheScrape() throws Exception {
    Path file = Files.createTempFile("metrics", ".txt");
    Files.writeString(file, scrape);
    Process p;
    try {
      p = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile()).redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      throw new AssertionError("promtool is not installed: apt-get install prometheus (.ci/run does)", e);
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("promtool check metrics said:\n" + out).isZero();
  }

  @Test
  void theDocumentedMetersAreThere() {
    for (String name : List.of("shadowmq_connections ", "shadowmq_connections_opened_total",
        "shadowmq_connections_closed_total{reason=\"client_disconnect\"}", "shadowmq_connects_total",
        "shadowmq_auth_failures_total", "shadowmq_messages_received_total{qos=\"1\"}",
        "shadowmq_messages_sent_total{qos=\"1\"}", "shadowmq_bytes_received_total", "shadowmq_bytes_sent_total",
        "shadowmq_messages_dropped_total{reason=\"queue_full\"}", "shadowmq_messages_queued",
        "shadowmq_messages_inflight", "shadowmq_retained_messages", "shadowmq_sessions", "shadowmq_subscriptions",
        "shadowmq_shadow_requests_total{operation=\"update\",result=\"accepted\"}",
        "shadowmq_shadow_request_duration_seconds_bucket{operation=\"update\"",
        "shadowmq_storage_batch_size", "shadowmq_storage_commit_latency_seconds",
        "shadowmq_method_calls_total{outcome=\"answered\"}", "shadowmq_method_calls_waiting",
        "shadowmq_event_loop_delay_seconds_bucket", "vertx_http_server_requests_total", "jvm_memory_used_bytes",
        "process_uptime_seconds", "process_files_open_files", "shadowmq_storage_up", "shadowmq_shadow_cached")) {
      assertThat(scrape).as(name).contains(name);
    }
  }

  @Test
  void noLabelCarriesAClientIdOrThingName() {
    assertThat(scrape).doesNotContain("metrics-sub-7").doesNotContain("metrics-pub-7").doesNotContain("thing-77");
  }

  @Test
  void everyShadowmqMeterIsInMetricsMdAndTheDashboardUsesOnlyMetersThatExist() throws Exception {
    java.util.Set<String> scraped = new java.util.TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^# TYPE (shadowmq_\\w+) ").matcher(scrape);
    while (m.find()) {
      scraped.add(m.group(1).replaceAll("_max$", "")); // a timer's or summary's maximum goes with it
    }
    assertThat(scraped).hasSizeGreaterThan(20);
    String doc = Files.readString(Path.of("..", "docs", "metrics.md"));
    for (String name : scraped) {
      assertThat(doc).as("docs/metrics.md lists " + name).contains("`" + name);
    }
    String dashboard = Files.readString(Path.of("..", "docs", "grafana", "shadowmq.json"));
    java.util.regex.Matcher used = java.util.regex.Pattern.compile("shadowmq_\\w+").matcher(dashboard);
    int count = 0;
    while (used.find()) {
      String name = used.group().replaceAll("_(bucket|count|sum)$", "");
      assertThat(scrape).as("the dashboard's " + used.group()).contains(name);
      count++;
    }
    assertThat(count).isGreaterThan(20);
  }
}
