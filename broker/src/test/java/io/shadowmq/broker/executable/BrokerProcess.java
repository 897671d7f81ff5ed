package io.shadowmq.broker.executable;

import io.shadowmq.broker.TestBroker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged broker ({@code target/shadowmq.jar}) running as its own process on free ports, as
 * an operator starts it; the ports are read from the {@code listening} lines it prints.
 */
final class BrokerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("^listening listener=(\\S+) host=(\\S+) port=(\\d+)$");

  private final Process process;
  private final Map<String, Integer> ports = new ConcurrentHashMap<>();
  private final CountDownLatch bothListening;
  final Path log;
  /** A data directory made by {@link #start(String...)}: deleted once the broker has exited. */
  private Path ownDataDir;

  private BrokerProcess(Path dataDir, int listeners, List<String> options) throws IOException {
    bothListening = new CountDownLatch(listeners);
    Path jar = Path.of("target", "shadowmq.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar.toAbsolutePath() + " is missing: integration tests run after `package`");
    }
    log = Files.createTempFile(Path.of("target"), "broker-process-", ".log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "--mqtt-port", "0", "--ws-port", "0", "--http-port", "0", "--bind", "127.0.0.1",
        "--data-dir", dataDir.toString()));
    command.addAll(options);
    process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    Thread reader = new Thread(this::readStdout, "broker-process-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the jar with extra options and waits until both listeners are bound. */
  static BrokerProcess start(String... options) throws Exception {
    Path dir = Files.createTempDirectory("shadowmq-it");
    try {
      BrokerProcess p = start(dir, 2, options);
      p.ownDataDir = dir;
      return p;
    } catch (Exception e) {
      TestBroker.deleteTree(dir);
      throw e;
    }
  }

  /** Starts the jar on a data directory and waits until that many listeners are bound. */
  static BrokerProcess start(Path dataDir, int listeners, String... options) throws Exception {
    BrokerProcess p = new BrokerProcess(dataDir, listeners, List.of(options));
    if (!p.bothListening.await(30, TimeUnit.SECONDS)) {
      p.close();
      throw new IllegalStateException("the broker printed no listening lines; its log: " + Files.readString(p.log));
    }
    return p;
  }

  private void readStdout() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        Matcher m = LISTENING.matcher(line);
        if (m.matches()) {
          ports.put(m.group(1), Integer.parseInt(m.group(3)));
          bothListening.countDown();
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  int mqttPort() {
    return ports.get("mqtt");
  }

  int wsPort() {
    return ports.get("mqtt-ws");
  }

  /** The port of a listener by the name it prints: mqtt, mqtt-ws, mqtts, mqtt-wss. */
  int port(String listener) {
    return ports.get(listener);
  }

  String tcpUri() {
    return "tcp://127.0.0.1:" + mqttPort();
  }

  Process process() {
    return process;
  }

  /** Sends SIGTERM, as a service manager or Kubernetes does. */
  void terminate() {
    process.destroy();
  }

  /** The exit code, or null when the process is still running after the timeout. */
  Integer awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  String logText() throws IOException {
    return Files.readString(log);
  }

  /**
   * Stops the broker as an operator would (SIGTERM), so that it stops its embedded PostgreSQL on
   * the way out; SIGKILL only if it has not exited in time. A SIGKILLed broker leaves its
   * PostgreSQL running until the next start on the same data directory, which a test's temporary
   * directory never sees.
   */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    if (ownDataDir != null) {
      TestBroker.deleteTree(ownDataDir);
    }
  }

}
