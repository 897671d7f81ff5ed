package io.shadowmq.loadtest;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every scenario of the packaged tool for a few seconds against a real ShadowMQ process and
 * checks that the counts hold together: nothing lost at QoS 1 and 2, no duplicates at QoS 2.
 */
class ScenariosIT {
  static final Path TOOL = Path.of("target/shadowmq-loadtest.jar");

  @TempDir
  static Path tmp;
  static BrokerUnderTest broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = BrokerUnderTest.start(tmp.resolve("data"));
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  /** Runs the tool against the ShadowMQ under test to its end and returns its --json result. */
  static JsonObject loadtest(String scenario, String... args) throws Exception {
    return loadtestOn(broker.port(), scenario, args);
  }

  static JsonObject loadtestOn(int port, String scenario, String... args) throws Exception {
    assertThat(TOOL).as("the packaged tool (mvn package)").exists();
    Path json = Files.createTempFile(tmp, scenario, ".json");
    Path out = Files.createTempFile(tmp, scenario, ".out");
    List<String> cmd = new ArrayList<>(List.of(BrokerUnderTest.javaBin(), "-jar", TOOL.toString(), scenario,
        "--port", Integer.toString(port), "--json", json.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(150, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("loadtest did not stop by itself: " + Files.readString(out));
    }
    assertThat(p.exitValue()).as(Files.readString(out)).isZero();
    return new JsonObject(Files.readString(json));
  }

  static void assertNothingLostOrDuplicated(JsonObject r, long expectedPerSent) {
    assertThat(r.getLong("sent")).as(r.encodePrettily()).isPositive();
    assertThat(r.getLong("delivered")).as(r.encodePrettily()).isEqualTo(r.getLong("sent") * expectedPerSent);
    assertThat(r.getLong("lost")).isZero();
    assertThat(r.getLong("duplicated")).isZero();
    assertThat(r.getLong("errors")).isZero();
    assertThat(r.getJsonObject("latencyMs").getDouble("p50")).isPositive();
    assertThat(r.getDouble("msgsPerSecIn")).isPositive();
  }

  @Test
  @Timeout(180)
  void connectHoldsEveryConnectionAndMeasuresTheBrokersMemory() throws Exception {
    JsonObject r = loadtest("connect", "--clients", "300", "--rate", "1000", "--hold", "1",
        "--broker-pid", Long.toString(broker.pid()));
    assertThat(r.getString("scenario")).isEqualTo("connect");
    assertThat(r.getLong("connections")).isEqualTo(300);
    assertThat(r.getLong("connectFailures")).isZero();
    assertThat(r.getJsonObject("extra").getLong("connectedAtEnd")).isEqualTo(300);
    assertThat(r.getDouble("connectRate")).isPositive();
    assertThat(r.getLong("brokerRssAfter")).isPositive();
    assertThat(r.getValue("bytesPerConnection")).isNotNull();
    assertThat(r.getValue("heapBytesPerConnection")).as("a JVM broker's live heap").isNotNull();
    assertThat(r.getDouble("cpuSecondsBroker")).isPositive();
    assertThat(r.getValue("sent")).isNull();
  }

  @Test
  @Timeout(180)
  void fanInAtQos1LosesNothing() throws Exception {
    JsonObject r = loadtest("pubsub", "--pattern", "fanin", "--publishers", "5", "--subscribers", "1", "--qos", "1",
        "--rate", "2000", "--duration", "2", "--warmup", "1", "--broker-pid", Long.toString(broker.pid()));
    assertNothingLostOrDuplicated(r, 1);
    assertThat(r.getLong("connections")).isEqualTo(6);
    assertThat(r.getDouble("cpuSecondsBroker")).isPositive();
  }

  @Test
  @Timeout(180)
  void pointToPointAtQos2HasNoDuplicatesAndLosesNothing() throws Exception {
    JsonObject r = loadtest("pubsub", "--pattern", "p2p", "--publishers", "20", "--subscribers", "20", "--qos", "2",
        "--rate", "1000", "--duration", "2", "--warmup", "1");
    assertNothingLostOrDuplicated(r, 1);
    assertThat(r.getLong("outOfOrder")).isZero();
  }

  @Test
  @Timeout(180)
  void fanOutDeliversEveryMessageToEverySubscriber() throws Exception {
    JsonObject r = loadtest("pubsub", "--pattern", "fanout", "--publishers", "1", "--subscribers", "50", "--qos", "1",
        "--rate", "50", "--duration", "2", "--warmup", "1");
    assertNothingLostOrDuplicated(r, 50);
  }

  @Test
  @Timeout(180)
  void aSharedGroupGetsEachMessageOnce() throws Exception {
    JsonObject r = loadtest("pubsub", "--pattern", "shared", "--publishers", "4", "--subscribers", "3", "--qos", "1",
        "--rate", "1000", "--duration", "2", "--warmup", "1");
    assertNothingLostOrDuplicated(r, 1);
  }

  @Test
  @Timeout(180)
  void mqtt5ClientsLoseNothingAtQos1() throws Exception {
    JsonObject r = loadtest("pubsub", "--mqtt", "5", "--pattern", "fanin", "--publishers", "3", "--subscribers", "1",
        "--qos", "1", "--rate", "1000", "--duration", "2", "--warmup", "1");
    assertNothingLostOrDuplicated(r, 1);
  }

  @Test
  @Timeout(180)
  void workerProcessesShareTheLoadAndTheirCountsAreMerged() throws Exception {
    JsonObject r = loadtest("pubsub", "--workers", "2", "--pattern", "fanout", "--publishers", "1",
        "--subscribers", "20", "--qos", "1", "--rate", "50", "--duration", "2", "--warmup", "1");
    assertThat(r.getInteger("workers")).isEqualTo(2);
    assertThat(r.getLong("connections")).isEqualTo(21);
    assertNothingLostOrDuplicated(r, 20);
  }

  @Test
  @Timeout(180)
  void shadowUpdatesAreAcceptedAndDesiredChangesReachTheDevicesAsDeltas() throws Exception {
    JsonObject r = loadtest("shadow", "--devices", "5", "--rate", "50", "--duration", "3", "--warmup", "2",
        "--probe-timeout", "5");
    assertThat(r.getBoolean("skipped")).as(r.encodePrettily()).isFalse();
    // 150 device updates and about 15 setpoint reports in the measured 3 s; the 2 s of warm-up
    // (about 110 more) are not counted
    assertThat(r.getLong("sent")).as(r.encodePrettily()).isBetween(120L, 200L);
    assertThat(r.getLong("delivered")).as("every update accepted").isEqualTo(r.getLong("sent"));
    assertThat(r.getJsonObject("extra").getLong("rejected")).isZero();
    assertThat(r.getJsonObject("extra").getLong("desiredChanges")).isPositive();
    assertThat(r.getJsonObject("extra").getLong("deltas")).isGreaterThanOrEqualTo(
        r.getJsonObject("extra").getLong("desiredChanges"));
  }

  @Test
  @Timeout(180)
  void shadowSkipsItselfOnABrokerWithoutShadows() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process mosquitto = new ProcessBuilder("mosquitto", "-p", Integer.toString(port))
        .redirectErrorStream(true).redirectOutput(Files.createTempFile(tmp, "mosquitto", ".out").toFile()).start();
    try {
      waitForPort(port);
      JsonObject r = loadtestOn(port, "shadow", "--devices", "5", "--rate", "20", "--duration", "2", "--warmup", "0",
          "--probe-timeout", "2");
      assertThat(r.getBoolean("skipped")).as(r.encodePrettily()).isTrue();
      assertThat(r.getString("skipReason")).contains("$aws/things/").contains("does not handle device shadows");
      assertThat(r.getLong("connections")).isEqualTo(6);
    } finally {
      mosquitto.destroy();
      mosquitto.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void waitForPort(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("mosquitto (Debian package mosquitto) did not start on port " + port, e);
        }
        Thread.sleep(50); // polling a port that is about to open
      }
    }
  }
}
