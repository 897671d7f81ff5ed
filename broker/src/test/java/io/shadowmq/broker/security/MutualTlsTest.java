package io.shadowmq.broker.security;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.KeyManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Mutual TLS: a device proves its identity with a client certificate whose CN is its client id.
 * Certificates from another CA, expired ones, none at all, and one naming another device are refused.
 */
@Timeout(60)
class MutualTlsTest {
  static TestCertificates.Issued ca;
  static TestBroker broker;
  Clients clients;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("shadowmq-mtls");
    ca = TestCertificates.ca("Device CA");
    TestCertificates.server(ca).write(dir, "server");
    Files.writeString(dir.resolve("ca.pem"), TestCertificates.pem("CERTIFICATE", ca.cert().getEncoded()));
    broker = TestBroker.start("--tls-cert", dir.resolve("server.pem").toString(), "--tls-key",
        dir.resolve("server.key").toString(), "--tls-ca", dir.resolve("ca.pem").toString(), "--mqtts-port", "0",
        "--wss-port", "-1");
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @BeforeEach
  void open() {
    clients = new Clients(broker);
  }

  @AfterEach
  void close() {
    clients.close();
  }

  Mqtt5BlockingClient withCertificate(String clientId, KeyManagerFactory keys) throws Exception {
    Mqtt5ClientBuilder b = MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1")
        .serverPort(broker.mqttsPort()).sslConfig().trustManagerFactory(ca.trustManager()).keyManagerFactory(keys)
        .protocols(List.of("TLSv1.3")).applySslConfig();
    return clients.track(b.buildBlocking());
  }

  @Test
  void aDeviceWhoseCertificateNamesItConnectsAndIsHeldToItsOwnTopics() throws Exception {
    Mqtt5BlockingClient c = withCertificate("dev-1", TestCertificates.client(ca, "dev-1").keyManager());
    assertThat(c.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

    c.publishWith().topic("devices/dev-1/telemetry").qos(MqttQos.AT_LEAST_ONCE).send();
    assertThatThrownBy(() -> c.publishWith().topic("devices/dev-2/telemetry").qos(MqttQos.AT_LEAST_ONCE).send())
        .isInstanceOfSatisfying(Mqtt5PubAckException.class,
            e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));
    assertThat(broker.counter("shadowmq.tls.handshakes", "engine", "openssl")).isPositive();
  }

  @Test
  void aCertificateNamingAnotherDeviceIsNotAuthorized() throws Exception {
    Mqtt5BlockingClient c = withCertificate("dev-2", TestCertificates.client(ca, "dev-1").keyManager());
    assertThatThrownBy(c::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class,
        e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
  }

  @Test
  void certificatesFromAnotherCaExpiredOrMissingFailTheHandshake() throws Exception {
    double failures = broker.counter("shadowmq.tls.handshake.failures");
    TestCertificates.Issued rogue = TestCertificates.ca("Rogue CA");

    assertThatThrownBy(withCertificate("dev-3", TestCertificates.client(rogue, "dev-3").keyManager())::connect);
    assertThatThrownBy(withCertificate("dev-4", TestCertificates.expiredClient(ca, "dev-4").keyManager())::connect);
    Mqtt5BlockingClient none = clients.track(MqttClient.builder().useMqttVersion5().identifier("dev-5")
        .serverHost("127.0.0.1").serverPort(broker.mqttsPort()).sslConfig().trustManagerFactory(ca.trustManager())
        .applySslConfig().buildBlocking());
    assertThatThrownBy(none::connect);

    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
        .until(() -> broker.counter("shadowmq.tls.handshake.failures") >= failures + 3);
  }

  @Test
  void withAClientCaConfiguredAnonymousClientsAreRefusedOnPlainTcp() {
    Mqtt5BlockingClient c = clients.hive5("plain-1");
    assertThatThrownBy(c::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class,
        e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
  }
}
