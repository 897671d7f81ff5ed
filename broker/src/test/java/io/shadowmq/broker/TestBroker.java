package io.shadowmq.broker;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shadowmq.broker.config.BrokerConfig;
import io.shadowmq.broker.config.EnvironmentDefaults;
import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real broker node in the test's JVM, on free ports of 127.0.0.1, configured with the same
 * command-line options as the executable. Close it in {@code @AfterEach}/{@code @AfterAll}.
 */
public final class TestBroker implements AutoCloseable {
  private final BrokerNode node;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Path dataDir;
  /** The data directory was made here (no --data-dir given): it goes when the broker closes. */
  private final boolean ownDataDir;

  private TestBroker(boolean inMemory, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("--mqtt-port", "0", "--ws-port", "0", "--bind", "127.0.0.1",
        "--shutdown-timeout", "5"));
    if (!List.of(options).contains("--http-port")) {
      args.addAll(List.of("--http-port", "0"));
    }
    int dataDirAt = List.of(options).indexOf("--data-dir");
    ownDataDir = dataDirAt < 0;
    dataDir = ownDataDir ? Files.createTempDirectory("shadowmq-test") : Path.of(options[dataDirAt + 1]);
    if (dataDirAt < 0) {
      args.addAll(List.of("--data-dir", dataDir.toString()));
    }
    if (inMemory) {
      args.add("--in-memory");
    }
    args.addAll(List.of(options));
    BrokerConfig config = new BrokerConfig();
    CommandLine cli = new CommandLine(config);
    cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of()));
    cli.parseArgs(args.toArray(new String[0]));
    node = BrokerNode.start(config, registry);
  }

  /**
   * Starts a broker in memory (no PostgreSQL) with the defaults and the given extra options, e.g.
   * {@code "--max-inflight", "4"}.
   */
  public static TestBroker start(String... options) throws Exception {
    return new TestBroker(true, options);
  }

  /** Starts a broker with its storage (the embedded PostgreSQL under {@code --data-dir} unless --pg-url is given). */
  public static TestBroker startWithStorage(String... options) throws Exception {
    return new TestBroker(false, options);
  }

  public int port() {
    return node.mqttPort();
  }

  public int wsPort() {
    return node.wsPort();
  }

  public int mqttsPort() {
    return node.mqttsPort();
  }

  public int wssPort() {
    return node.wssPort();
  }

  /** The bound HTTP port (admin API, metrics, health). */
  public int httpPort() {
    return node.httpPort();
  }

  /** {@code http://127.0.0.1:PORT} (https with a certificate). */
  public String httpUri() {
    return (node.http().secure() ? "https" : "http") + "://127.0.0.1:" + httpPort();
  }

  /** The admin token generated at first start into the data directory. */
  public String adminToken() throws java.io.IOException {
    return Files.readString(dataDir.resolve("admin-token")).trim();
  }

  public Path dataDir() {
    return dataDir;
  }

  public String host() {
    return "127.0.0.1";
  }

  public String tcpUri() {
    return "tcp://127.0.0.1:" + port();
  }

  public String wsUri() {
    return "ws://127.0.0.1:" + wsPort() + "/mqtt";
  }

  public BrokerNode node() {
    return node;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** A counter's value, e.g. {@code counter("shadowmq.messages.dropped", "reason", "queue_full")}. */
  public double counter(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  /** A gauge's value, or NaN when there is none. */
  public double gauge(String name, String... tags) {
    var g = registry.find(name).tags(tags).gauge();
    return g == null ? Double.NaN : g.value();
  }

  public static Path tempDir() throws Exception {
    return Files.createTempDirectory("shadowmq-test");
  }

  /**
   * Stops the broker; a data directory it made goes with it (an embedded PostgreSQL cluster is
   * hundreds of megabytes: a test run would otherwise leave gigabytes in the temporary directory).
   */
  @Override
  public void close() {
    node.close();
    if (ownDataDir) {
      deleteTree(dataDir);
    }
  }

  /** Deletes a directory and everything in it, as far as it can. */
  public static void deleteTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: what is left is in the temporary directory
    }
  }
}
