package io.shadowmq.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged ShadowMQ broker ({@code broker/target/shadowmq.jar}, built earlier in the reactor)
 * running as its own process on a free port. The loadtest module imports nothing of the broker:
 * it meets it only over the wire, as it would meet any other broker.
 */
final class BrokerUnderTest implements AutoCloseable {
  static final Path JAR = Path.of("../broker/target/shadowmq.jar");
  private static final Pattern LISTENING = Pattern.compile("listening listener=mqtt host=(\\S+) port=(\\d+)");

  private final Process process;
  private final int port;

  private BrokerUnderTest(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static BrokerUnderTest start(Path dataDir) throws Exception {
    assertThat(JAR).as("the broker jar; build it first: mvn -B -DskipTests package -pl broker -am").exists();
    Path log = Files.createTempFile("shadowmq-broker", ".log");
    Process p = new ProcessBuilder(List.of(javaBin(), "-jar", JAR.toString(), "--mqtt-port", "0", "--ws-port", "-1",
        "--http-port", "-1", "--data-dir", dataDir.toString()))
        .redirectError(log.toFile())
        .start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(2)));
          }
        }
        port.completeExceptionally(new IllegalStateException("broker ended: " + Files.readString(log)));
      } catch (IOException e) {
        port.completeExceptionally(e);
      }
    }, "broker-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      return new BrokerUnderTest(p, port.get(60, TimeUnit.SECONDS));
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
  }

  static String javaBin() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
