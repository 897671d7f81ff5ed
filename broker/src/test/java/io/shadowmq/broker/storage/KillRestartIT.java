package io.shadowmq.broker.storage;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged broker killed with SIGKILL: what was written behind before the kill is there after a
 * restart on the same data directory (the embedded PostgreSQL it left running is stopped first).
 */
@Timeout(180)
class KillRestartIT {
  private static final Pattern LISTENING = Pattern.compile("listening listener=mqtt host=\\S+ port=(\\d+)");
  private static final Pattern POSTGRES = Pattern.compile("embedded PostgreSQL .* on 127\\.0\\.0\\.1:(\\d+)");

  @TempDir
  Path dataDir;
  Process broker;
  Vertx vertx = Vertx.vertx();

  record Started(Process process, int mqttPort, int pgPort) {
  }

  Started start() throws Exception {
    Path jar = Path.of("target/shadowmq.jar");
    assertThat(jar).exists();
    Process p = new ProcessBuilder("java", "-jar", jar.toString(), "--mqtt-port", "0", "--ws-port", "-1", "--http-port", "-1",
        "--data-dir", dataDir.toString(), "--storage-write-interval", "200")
        .redirectErrorStream(true).start();
    broker = p;
    CompletableFuture<Integer> mqtt = new CompletableFuture<>();
    CompletableFuture<Integer> pg = new CompletableFuture<>();
    Path log = Files.createTempFile(dataDir.getParent(), "broker", ".log");
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          Files.writeString(log, line + "\n", java.nio.file.StandardOpenOption.APPEND);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            mqtt.complete(Integer.parseInt(m.group(1)));
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
    return new Started(p, mqtt.get(60, TimeUnit.SECONDS), pg.get(60, TimeUnit.SECONDS));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (broker != null && broker.isAlive()) {
      broker.destroy();
      broker.waitFor(30, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static Mqtt5BlockingClient client(String id, int port) {
    return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(port).buildBlocking();
  }

  long count(int pgPort, String sql) {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(pgPort).setDatabase("postgres").setUser("postgres"))
        .using(vertx).build();
    try {
      return pool.query(sql).execute().await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
    } catch (Exception e) {
      return -1;
    } finally {
      pool.close();
    }
  }

  @Test
  void whatWasWrittenBehindBeforeSigkillIsThereAfterARestart() throws Exception {
    Started first = start();
    Mqtt5BlockingClient device = client("sensor-1", first.mqttPort());
    device.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
    device.subscribeWith().topicFilter("cmd/sensor-1").qos(MqttQos.AT_LEAST_ONCE).send();
    device.disconnect();
    Mqtt5BlockingClient app = client("app", first.mqttPort());
    app.connect();
    app.publishWith().topic("cmd/sensor-1").payload("calibrate".getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE).send();
    app.publishWith().topic("config/sensor-1").payload("v7".getBytes(StandardCharsets.UTF_8)).retain(true)
        .qos(MqttQos.AT_LEAST_ONCE).send();
    app.disconnect();

    // The documented window: changes reach PostgreSQL within --storage-write-interval.
    await().atMost(Duration.ofSeconds(10)).until(() ->
        count(first.pgPort(), "SELECT count(*) FROM mqtt_session_message") == 1
            && count(first.pgPort(), "SELECT count(*) FROM retained_message") == 1);
    first.process().destroyForcibly();
    assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

    Started second = start();
    Mqtt5BlockingClient back = client("sensor-1", second.mqttPort());
    var publishes = back.publishes(MqttGlobalPublishFilter.ALL);
    assertThat(back.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent()).isTrue();
    var queued = publishes.receive(15, TimeUnit.SECONDS);
    assertThat(queued).isPresent();
    assertThat(new String(queued.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("calibrate");
    back.subscribeWith().topicFilter("config/#").send();
    var retained = publishes.receive(15, TimeUnit.SECONDS);
    assertThat(retained).isPresent();
    assertThat(new String(retained.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("v7");
    back.disconnect();

    second.process().destroy(); // SIGTERM: a clean stop
    assertThat(second.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(second.process().exitValue()).isZero();
  }
}
