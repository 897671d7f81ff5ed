package io.shadowmq.broker.security;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.ShadowMq;
import io.shadowmq.broker.TestBroker;
import io.shadowmq.broker.config.EnvironmentDefaults;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code shadowmq device ...} on a stopped broker's data directory, then the broker started on it:
 * a generated password and a registered certificate let their devices in over TLS.
 */
@Timeout(120)
class DeviceCommandTest {
  TestBroker broker;
  Clients clients;

  @AfterEach
  void stop() {
    if (clients != null) {
      clients.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  /** Exit code, standard output and standard error of one command. */
  record Run(int exit, String out, String err) {
  }

  static Run shadowmq(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ShadowMq());
    cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of()));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void devicesAreAddedListedDisabledAndRemovedOnTheDataDirectory() throws Exception {
    String dir = TestBroker.tempDir().toString();

    Run add = shadowmq("device", "add", "pump-1", "--tag", "site=north", "--data-dir", dir);
    assertThat(add.exit()).as(add.err()).isZero();
    assertThat(add.out()).contains("device pump-1 added").containsPattern("password \\(shown only now\\): \\S{32}");
    assertThat(shadowmq("device", "add", "pump-1", "--data-dir", dir).err()).contains("already exists");
    assertThat(shadowmq("device", "add", "pump/#", "--data-dir", dir).err()).contains("a device id is");

    Run list = shadowmq("device", "list", "--data-dir", dir);
    assertThat(list.out()).containsPattern("pump-1\\s+yes\\s+password\\s+never\\s+site=north");

    assertThat(shadowmq("device", "disable", "pump-1", "--data-dir", dir).out()).contains("device pump-1 disabled");
    assertThat(shadowmq("device", "list", "--data-dir", dir).out()).containsPattern("pump-1\\s+no");
    assertThat(shadowmq("device", "remove", "pump-1", "--data-dir", dir).out()).contains("device pump-1 removed");
    Run again = shadowmq("device", "remove", "pump-1", "--data-dir", dir);
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("no device pump-1");
  }

  @Test
  void aRunningBrokerKeepsTheCommandOffItsDataDirectory() throws Exception {
    Path dir = TestBroker.tempDir();
    broker = TestBroker.startWithStorage("--data-dir", dir.toString());

    Run list = shadowmq("device", "list", "--data-dir", dir.toString());
    assertThat(list.exit()).isEqualTo(1);
    assertThat(list.err()).contains("in use by another ShadowMQ process");
  }

  @Test
  void provisionedDevicesLogInOverTlsByGeneratedPasswordOrRegisteredCertificate() throws Exception {
    Path dir = TestBroker.tempDir();
    TestCertificates.Issued ca = TestCertificates.ca("Device CA");
    TestCertificates.server(ca).write(dir, "server");
    Files.writeString(dir.resolve("ca.pem"), TestCertificates.pem("CERTIFICATE", ca.cert().getEncoded()));
    // A certificate whose CN is a serial number, not the device id: only its registered fingerprint binds it.
    TestCertificates.Issued meterCert = TestCertificates.client(ca, "serial-0042");
    Path meterPem = meterCert.write(dir, "meter");

    Run pump = shadowmq("device", "add", "pump-1", "--data-dir", dir.toString());
    Matcher m = Pattern.compile("password \\(shown only now\\): (\\S+)").matcher(pump.out());
    assertThat(m.find()).as(pump.out()).isTrue();
    String password = m.group(1);
    Run meter = shadowmq("device", "add", "meter-9", "--cert", meterPem.toString(), "--data-dir", dir.toString());
    assertThat(meter.out()).contains("device meter-9 added").doesNotContain("password");

    broker = TestBroker.startWithStorage("--data-dir", dir.toString(), "--tls-cert", dir.resolve("server.pem").toString(),
        "--tls-key", dir.resolve("server.key").toString(), "--tls-ca", dir.resolve("ca.pem").toString(),
        "--tls-client-auth", "optional", "--mqtts-port", "0", "--wss-port", "-1");
    clients = new Clients(broker);

    Mqtt5BlockingClient byPassword = clients.track(tls(ca, "pump-1").buildBlocking());
    assertThat(byPassword.connectWith().simpleAuth().username("pump-1")
        .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send().getReasonCode())
        .isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

    Mqtt5BlockingClient byCertificate = clients.track(tls(ca, "meter-9").sslConfig().trustManagerFactory(ca.trustManager())
        .keyManagerFactory(meterCert.keyManager()).applySslConfig().buildBlocking());
    assertThat(byCertificate.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

    Mqtt5BlockingClient impostor = clients.track(tls(ca, "pump-1").sslConfig().trustManagerFactory(ca.trustManager())
        .keyManagerFactory(meterCert.keyManager()).applySslConfig().buildBlocking());
    assertThatThrownBy(impostor::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class,
        e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
  }

  private Mqtt5ClientBuilder tls(TestCertificates.Issued ca, String id) throws Exception {
    return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(broker.mqttsPort())
        .sslConfig().trustManagerFactory(ca.trustManager()).applySslConfig();
  }
}
