package io.shadowmq.broker.executable;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Debian's mosquitto_pub and mosquitto_sub against the packaged broker, MQTT 3.1.1 and 5.0. */
@Timeout(60)
class MosquittoClientsIT {
  static BrokerProcess broker;

  @BeforeAll
  static void start() throws Exception {
    broker = BrokerProcess.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  /** A running mosquitto_sub whose printed messages (lines starting "MSG ") the test can wait for. */
  static final class Sub {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Sub(List<String> args) throws IOException {
      // stdbuf: mosquitto_sub writes to a pipe here, which stdio would buffer until it exits.
      List<String> command = new ArrayList<>(List.of("stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p",
          String.valueOf(broker.mqttPort()), "-d", "-F", "MSG %t q=%q r=%r %p"));
      command.addAll(args);
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            lines.add(line);
          }
        } catch (IOException e) {
          // the process ended
        }
      }, "mosquitto_sub-output");
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits for the SUBACK that mosquitto_sub -d reports. */
    Sub subscribed() throws InterruptedException {
      String line;
      while ((line = lines.poll(10, TimeUnit.SECONDS)) != null) {
        if (line.contains("received SUBACK")) {
          return this;
        }
      }
      throw new AssertionError("mosquitto_sub did not subscribe");
    }

    /** The next message line, or null when none comes within the timeout. */
    String nextMessage(long millis) throws InterruptedException {
      long deadline = System.currentTimeMillis() + millis;
      String line;
      while ((line = lines.poll(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) != null) {
        if (line.startsWith("MSG ")) {
          return line;
        }
      }
      return null;
    }

    int exitCode() throws InterruptedException {
      assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("mosquitto_sub ended").isTrue();
      return process.exitValue();
    }
  }

  static Sub sub(String... args) throws IOException {
    return new Sub(List.of(args));
  }

  static void pub(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(broker.mqttPort())));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("mosquitto_pub ended").isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("mosquitto_pub %s: %s", args, output).isZero();
  }

  @ParameterizedTest(name = "{0} QoS {1}")
  @CsvSource({"mqttv311,0", "mqttv311,1", "mqttv311,2", "mqttv5,0", "mqttv5,1", "mqttv5,2"})
  void messagePublishedWithMosquittoPubReachesMosquittoSub(String version, int qos) throws Exception {
    String topic = "it/mosq/" + version + "/" + qos;
    Sub sub = sub("-V", version, "-q", "2", "-t", "it/mosq/" + version + "/+", "-C", "1", "-W", "15").subscribed();

    pub("-V", version, "-q", String.valueOf(qos), "-t", topic, "-m", "hello " + version);

    assertThat(sub.nextMessage(10_000)).isEqualTo("MSG " + topic + " q=" + qos + " r=0 hello " + version);
    assertThat(sub.exitCode()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"mqttv311", "mqttv5"})
  void retainedMessageIsStoredReplacedAndClearedWithMosquittoClients(String version) throws Exception {
    String topic = "it/retained/" + version;
    pub("-V", version, "-q", "1", "-r", "-t", topic, "-m", "first");
    pub("-V", version, "-q", "1", "-r", "-t", topic, "-m", "second");

    Sub late = sub("-V", version, "-q", "1", "-t", topic, "-C", "1", "-W", "15");
    assertThat(late.nextMessage(10_000)).isEqualTo("MSG " + topic + " q=1 r=1 second");
    assertThat(late.exitCode()).isZero();

    pub("-V", version, "-q", "1", "-r", "-n", "-t", topic); // a zero-length retained message clears the topic
    Sub afterClear = sub("-V", version, "-q", "1", "-t", topic, "-W", "1").subscribed();
    assertThat(afterClear.nextMessage(1_500)).as("nothing retained any more").isNull();
    afterClear.process.destroy();
  }

  @Test
  void mqtt5PropertiesSetByMosquittoPubReachMosquittoSub() throws Exception {
    Sub sub = new Sub(List.of("-V", "mqttv5", "-t", "it/props", "-C", "1", "-W", "15", "-F",
        "MSG %t ct=%C rt=%R up=%P %p")).subscribed();

    pub("-V", "mqttv5", "-t", "it/props", "-m", "{}", "-D", "publish", "content-type", "application/json",
        "-D", "publish", "response-topic", "it/props/reply", "-D", "publish", "user-property", "site", "north");

    assertThat(sub.nextMessage(10_000)).isEqualTo("MSG it/props ct=application/json rt=it/props/reply up=site:north {}");
  }
}
