package io.shadowmq.broker.executable;

import io.shadowmq.broker.security.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged broker as an operator runs it securely: a device provisioned with {@code device add
 * --password-stdin}, TLS with a client CA, and Debian's mosquitto_pub/mosquitto_sub connecting with
 * a client certificate or with the device's password.
 */
@Timeout(90)
class SecureMosquittoIT {
  static Path dir;
  static BrokerProcess broker;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("shadowmq-secure-it");
    TestCertificates.Issued ca = TestCertificates.ca("Fleet CA");
    TestCertificates.server(ca).write(dir, "server");
    TestCertificates.client(ca, "sensor-2").write(dir, "sensor-2");
    Files.writeString(dir.resolve("ca.pem"), TestCertificates.pem("CERTIFICATE", ca.cert().getEncoded()));

    Process add = new ProcessBuilder(java(), "-jar", Path.of("target", "shadowmq.jar").toString(), "device", "add",
        "sensor-1", "--password-stdin", "--data-dir", dir.toString()).redirectErrorStream(true).start();
    add.getOutputStream().write("sensor-1-secret\n".getBytes(StandardCharsets.UTF_8));
    add.getOutputStream().close();
    assertThat(add.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(add.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(add.exitValue()).as(output).isZero();
    assertThat(output).contains("device sensor-1 added").doesNotContain("password");

    broker = BrokerProcess.start(dir, 3, "--tls-cert", dir.resolve("server.pem").toString(),
        "--tls-key", dir.resolve("server.key").toString(), "--tls-ca", dir.resolve("ca.pem").toString(),
        "--tls-client-auth", "optional", "--mqtts-port", "0", "--wss-port", "-1");
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** mosquitto options for the TLS port, trusting the test CA (the server certificate names localhost). */
  static List<String> tls(String tool, String... args) {
    List<String> command = new ArrayList<>(List.of(tool, "-h", "localhost", "-p", String.valueOf(broker.port("mqtts")),
        "--cafile", dir.resolve("ca.pem").toString(), "-V", "mqttv5"));
    command.addAll(List.of(args));
    return command;
  }

  static List<String> withCertificate(String name) {
    return List.of("--cert", dir.resolve(name + ".pem").toString(), "--key", dir.resolve(name + ".key").toString());
  }

  /** Runs mosquitto_pub; returns its exit code and output. */
  static String pub(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("mosquitto_pub ended").isTrue();
    return p.exitValue() + " " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }

  @Test
  void aDeviceWithItsClientCertificatePublishesAndSubscribesOverTls() throws Exception {
    // One device, one client id: it leaves a retained reading, then subscribes and reads it back.
    List<String> pub = new ArrayList<>(tls("mosquitto_pub", "-i", "sensor-2", "-t", "devices/sensor-2/temp",
        "-m", "21.5", "-q", "1", "-r"));
    pub.addAll(withCertificate("sensor-2"));
    assertThat(pub(pub)).startsWith("0");

    List<String> sub = new ArrayList<>(tls("mosquitto_sub", "-i", "sensor-2", "-t", "devices/sensor-2/#", "-C", "1",
        "-W", "20", "-F", "MSG %t %p"));
    sub.addAll(withCertificate("sensor-2"));
    Process reading = new ProcessBuilder(sub).redirectErrorStream(true).start();
    assertThat(reading.waitFor(25, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(reading.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim())
        .isEqualTo("MSG devices/sensor-2/temp 21.5");
    assertThat(reading.exitValue()).isZero();
  }

  @Test
  void theCertificateOfOneDeviceDoesNotLetAClientInUnderAnotherId() throws Exception {
    List<String> pub = new ArrayList<>(tls("mosquitto_pub", "-i", "sensor-3", "-t", "devices/sensor-3/temp",
        "-m", "1", "-q", "1"));
    pub.addAll(withCertificate("sensor-2"));
    assertThat(pub(pub)).doesNotStartWith("0").containsIgnoringCase("not authori");
  }

  @Test
  void aDeviceLogsInOverTlsWithThePasswordGivenAtProvisioning() throws Exception {
    assertThat(pub(tls("mosquitto_pub", "-i", "sensor-1", "-u", "sensor-1", "-P", "sensor-1-secret",
        "-t", "devices/sensor-1/temp", "-m", "20", "-q", "1"))).startsWith("0");
    assertThat(pub(tls("mosquitto_pub", "-i", "sensor-1", "-u", "sensor-1", "-P", "wrong",
        "-t", "devices/sensor-1/temp", "-m", "20", "-q", "1"))).doesNotStartWith("0").containsIgnoringCase("bad user name or password");
    assertThat(pub(tls("mosquitto_pub", "-i", "sensor-1", "-t", "devices/sensor-1/temp", "-m", "20")))
        .doesNotStartWith("0").containsIgnoringCase("not authori");
  }
}
