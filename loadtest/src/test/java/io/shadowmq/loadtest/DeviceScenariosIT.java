package io.shadowmq.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fleet scenario against a real ShadowMQ process and its device shadows, with a Paho client in
 * the role of what the broker does not have yet: the rollout engine, which sets a firmware
 * instruction in each device's desired state.
 */
class DeviceScenariosIT {
  private static final Set<String> FINAL = Set.of("applyComplete", "downloadFailed", "applyFailed");

  @TempDir
  Path tmp;
  private BrokerUnderTest broker;
  private Vertx vertx;
  private MqttClient paho;
  private final ExecutorService replies = Executors.newSingleThreadExecutor();
  private Process tool;

  @BeforeEach
  void start() throws Exception {
    broker = BrokerUnderTest.start(tmp.resolve("data"));
    vertx = Vertx.vertx();
    paho = new MqttClient("tcp://127.0.0.1:" + broker.port(), "it-observer", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    paho.connect(o);
  }

  @AfterEach
  void stop() throws Exception {
    if (tool != null && tool.isAlive()) {
      tool.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    replies.shutdownNow();
    if (paho.isConnected()) {
      paho.disconnect(2000);
    }
    paho.close();
    vertx.close().await(10, TimeUnit.SECONDS);
    broker.close();
  }

  private Path startTool(String scenario, String... args) throws Exception {
    Path json = tmp.resolve(scenario + ".json");
    List<String> cmd = new ArrayList<>(List.of(BrokerUnderTest.javaBin(), "-jar", ScenariosIT.TOOL.toString(), scenario,
        "--port", Integer.toString(broker.port()), "--json", json.toString()));
    cmd.addAll(List.of(args));
    tool = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(scenario + ".out").toFile())
        .start();
    return json;
  }

  private JsonObject awaitResult(Path json, String scenario) throws Exception {
    assertThat(tool.waitFor(90, TimeUnit.SECONDS)).as("the tool stops by itself").isTrue();
    String out = Files.readString(tmp.resolve(scenario + ".out"));
    assertThat(tool.exitValue()).as(out).isZero();
    return new JsonObject(Files.readString(json));
  }

  @Test
  @Timeout(150)
  void fleetDevicesFollowAFirmwareInstructionAndReportEveryStep() throws Exception {
    byte[] image = new byte[200_000];
    new Random(3).nextBytes(image);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
    HttpServer http = vertx.createHttpServer().requestHandler(req -> req.response().end(Buffer.buffer(image)))
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);

    Map<String, List<JsonObject>> firmwareReports = new ConcurrentHashMap<>();
    Set<String> reporting = ConcurrentHashMap.newKeySet();
    // What the devices report is echoed by the broker on update/accepted, on either topic layout.
    org.eclipse.paho.client.mqttv3.IMqttMessageListener reports = (topic, msg) -> {
      String thing = topic.startsWith("$aws/") ? topic.split("/")[2] : topic.split("/")[1];
      JsonObject reported = new JsonObject(new String(msg.getPayload(), StandardCharsets.UTF_8))
          .getJsonObject("state").getJsonObject("reported");
      if (reported == null) {
        return; // the echo of a desired change
      }
      reporting.add(thing);
      if (reported.containsKey("firmware")) {
        firmwareReports.computeIfAbsent(thing, k -> new CopyOnWriteArrayList<>()).add(reported.getJsonObject("firmware"));
      }
    };
    paho.subscribe("$aws/things/+/shadow/update/accepted", 1, reports);
    paho.subscribe("state/+/update/accepted", 1, reports);

    int devices = 6;
    Path json = startTool("fleet", "--devices", Integer.toString(devices), "--duration", "12", "--report-interval", "1",
        "--fail-share", "0.5", "--apply-time", "0.2", "--client-prefix", "fit-");
    await().atMost(Duration.ofSeconds(40)).until(() -> reporting.size() == devices);

    for (int i = 0; i < devices; i++) {
      JsonObject desired = new JsonObject().put("state", new JsonObject().put("desired", new JsonObject()
          .put("firmware", new JsonObject().put("version", "2.0.0")
              .put("url", "http://127.0.0.1:" + http.actualPort() + "/fw.bin")
              .put("sha256", sha).put("size", image.length).put("rolloutId", "rollout-1"))));
      // Half of the instructions are set on the short layout: the delta reaches the device on both.
      String topic = i % 2 == 0 ? "$aws/things/fit-dev-" + i + "/shadow/update" : "state/fit-dev-" + i + "/update";
      paho.publish(topic, desired.toBuffer().getBytes(), 1, false);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> firmwareReports.size() == devices
        && firmwareReports.values().stream().allMatch(l -> FINAL.contains(l.get(l.size() - 1).getString("status"))));

    JsonObject r = awaitResult(json, "fleet");
    JsonObject extra = r.getJsonObject("extra");
    long succeededSeen = 0;
    for (List<JsonObject> steps : firmwareReports.values()) {
      List<String> statuses = steps.stream().map(s -> s.getString("status")).toList();
      JsonObject last = steps.get(steps.size() - 1);
      assertThat(statuses.get(0)).isEqualTo("downloading");
      assertThat(last.getString("rolloutId")).isEqualTo("rollout-1");
      if (last.getString("status").equals("applyComplete")) {
        succeededSeen++;
        assertThat(statuses).containsExactly("downloading", "downloadComplete", "applying", "applyComplete");
        assertThat(last.getString("version")).isEqualTo("2.0.0");
      } else {
        assertThat(last.getString("version")).isEqualTo("1.0.0");
        assertThat(last.getString("error")).isNotBlank();
      }
    }
    assertThat(r.getLong("connections")).isEqualTo(devices);
    assertThat(extra.getLong("firmwareStarted")).isEqualTo(devices);
    assertThat(extra.getLong("firmwareSucceeded")).isEqualTo(succeededSeen);
    assertThat(extra.getLong("firmwareSucceeded") + extra.getLong("downloadFailed") + extra.getLong("applyFailed"))
        .isEqualTo(devices);
    assertThat(r.getLong("delivered")).as("deltas received").isGreaterThanOrEqualTo(devices);
    assertThat(r.getLong("errors")).isZero();
  }
}
