package io.shadowmq.broker.shadow;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged broker killed with SIGKILL in the middle of a stream of shadow updates, while its
 * commits are held up: every update that was answered {@code accepted} before the kill is in the
 * shadow after a restart.
 */
@Timeout(240)
class ShadowKillRestartIT {
  private static final Pattern LISTENING = Pattern.compile("listening listener=mqtt host=\\S+ port=(\\d+)");
  private static final Pattern POSTGRES = Pattern.compile("embedded PostgreSQL .* on 127\\.0\\.0\\.1:(\\d+)");
  private static final int THINGS = 50;

  @TempDir
  Path dataDir;
  Process broker;
  Mqtt5BlockingClient client;
  int pgPort;

  int start() throws Exception {
    Path jar = Path.of("target/shadowmq.jar");
    assertThat(jar).exists();
    // The rate limit is raised: this test pushes one client's updates as fast as the broker takes them.
    Process p = new ProcessBuilder("java", "-jar", jar.toString(), "--mqtt-port", "0", "--ws-port", "-1", "--http-port", "-1",
        "--data-dir", dataDir.toString(), "--shadow-rate", "1000000", "--shadow-burst", "1000000")
        .redirectErrorStream(true).start();
    broker = p;
    CompletableFuture<Integer> port = new CompletableFuture<>();
    CompletableFuture<Integer> pg = new CompletableFuture<>();
    Path log = Files.createTempFile(dataDir.getParent(), "shadow-broker", ".log");
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          Files.writeString(log, line + "\n", StandardOpenOption.APPEND);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
          Matcher g = POSTGRES.matcher(line);
          if (g.find()) {
            pg.complete(Integer.parseInt(g.group(1)));
          }
        }
      } catch (Exception ignored) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    int mqtt = port.get(90, TimeUnit.SECONDS);
    pgPort = pg.get(10, TimeUnit.SECONDS);
    return mqtt;
  }

  Mqtt5BlockingClient connect(String id, int port) {
    client = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(port)
        .buildBlocking();
    client.connect();
    return client;
  }

  @AfterEach
  void tearDown() throws Exception {
    if (broker != null && broker.isAlive()) {
      broker.destroy();
      broker.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyAcceptedUpdateIsThereAfterSigkillAndRestart() throws Exception {
    Mqtt5BlockingClient app = connect("fleet-app", start());
    var replies = app.publishes(MqttGlobalPublishFilter.ALL);
    app.subscribeWith().topicFilter("$aws/things/+/shadow/update/accepted").qos(MqttQos.AT_LEAST_ONCE).send();

    AtomicLongArray acceptedN = new AtomicLongArray(THINGS);
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger sent = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    Thread collector = new Thread(() -> {
      try {
        while (!stop.get()) {
          Optional<Mqtt5Publish> p = replies.receive(100, TimeUnit.MILLISECONDS);
          if (p.isEmpty()) {
            continue;
          }
          JsonObject body = new JsonObject(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
          int thing = Integer.parseInt(p.get().getTopic().getLevels().get(2).substring("truck-".length()));
          long n = body.getJsonObject("state").getJsonObject("reported").getLong("n");
          acceptedN.accumulateAndGet(thing, n, Math::max);
          accepted.incrementAndGet();
        }
      } catch (Exception ignored) {
        // the broker was killed under the client
      }
    });
    collector.start();
    Thread publisher = new Thread(() -> {
      var async = app.toAsync();
      try {
        for (long n = 1; !stop.get(); n++) {
          for (int t = 0; t < THINGS; t++) {
            async.publishWith().topic("$aws/things/truck-" + t + "/shadow/update")
                .payload(("{\"state\":{\"reported\":{\"n\":" + n + "}}}").getBytes(StandardCharsets.UTF_8))
                .qos(MqttQos.AT_LEAST_ONCE).send().get(10, TimeUnit.SECONDS);
            sent.incrementAndGet();
          }
        }
      } catch (Exception ignored) {
        // the broker was killed under the client
      }
    });
    publisher.start();

    await().atMost(Duration.ofSeconds(60)).until(() -> accepted.get() >= 2000);
    // Commits stall behind a lock while updates keep arriving: a broker that answered before its commit
    // would be answering now, and what it answered would die with it.
    try (Connection lock = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres",
        "postgres", "")) {
      lock.setAutoCommit(false);
      lock.createStatement().execute("LOCK TABLE shadow IN EXCLUSIVE MODE");
      int sentAtLock = sent.get();
      await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() >= sentAtLock + 1000);
      broker.destroyForcibly(); // SIGKILL, with updates in flight
      assertThat(broker.waitFor(30, TimeUnit.SECONDS)).isTrue();
      lock.rollback();
    }
    stop.set(true);
    publisher.join(20_000);
    collector.join(20_000);
    long[] before = new long[THINGS];
    for (int t = 0; t < THINGS; t++) {
      before[t] = acceptedN.get(t);
      assertThat(before[t]).as("truck-%d had updates accepted", t).isPositive();
    }

    Mqtt5BlockingClient reader = connect("reader", start());
    var answers = reader.publishes(MqttGlobalPublishFilter.ALL);
    reader.subscribeWith().topicFilter("$aws/things/+/shadow/get/+").qos(MqttQos.AT_LEAST_ONCE).send();
    for (int t = 0; t < THINGS; t++) {
      reader.publishWith().topic("$aws/things/truck-" + t + "/shadow/get").payload(new byte[0])
          .qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5Publish answer = answers.receive(15, TimeUnit.SECONDS).orElseThrow();
      assertThat(answer.getTopic().toString()).isEqualTo("$aws/things/truck-" + t + "/shadow/get/accepted");
      JsonObject body = new JsonObject(new String(answer.getPayloadAsBytes(), StandardCharsets.UTF_8));
      long stored = body.getJsonObject("state").getJsonObject("reported").getLong("n");
      assertThat(stored).as("truck-%d: stored n is at least the last accepted", t).isGreaterThanOrEqualTo(before[t]);
      assertThat(body.getLong("version")).isGreaterThanOrEqualTo(before[t]);
    }
    reader.disconnect();

    broker.destroy(); // SIGTERM: a clean stop
    assertThat(broker.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(broker.exitValue()).isZero();
  }
}
