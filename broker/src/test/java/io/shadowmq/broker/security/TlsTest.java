package io.shadowmq.broker.security;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import io.shadowmq.broker.Clients;
import io.shadowmq.broker.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.TrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** MQTT over TLS and secure WebSocket on the OpenSSL engine, and a certificate replaced while the broker runs. */
@Timeout(60)
class TlsTest {
  Path dir;
  TestCertificates.Issued ca;
  TestBroker broker;
  Clients clients;

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory("shadowmq-tls");
    ca = TestCertificates.ca("Test CA");
    TestCertificates.server(ca).write(dir, "server");
    broker = TestBroker.start("--tls-cert", dir.resolve("server.pem").toString(), "--tls-key",
        dir.resolve("server.key").toString(), "--mqtts-port", "0", "--wss-port", "0");
    clients = new Clients(broker);
  }

  @AfterEach
  void stop() {
    clients.close();
    broker.close();
  }

  Mqtt5ClientBuilder tls(String id, TrustManagerFactory trust, int port) {
    return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(port)
        .sslConfig().trustManagerFactory(trust).protocols(List.of("TLSv1.3", "TLSv1.2")).applySslConfig();
  }

  @Test
  void aClientTalksMqttOverTlsAndTheHandshakeRanOnOpenSsl() throws Exception {
    Mqtt5BlockingClient c = clients.track(tls("tls-1", ca.trustManager(), broker.mqttsPort()).buildBlocking());
    c.connect();
    var inbox = c.publishes(MqttGlobalPublishFilter.SUBSCRIBED);
    c.subscribeWith().topicFilter("secure/#").qos(MqttQos.AT_LEAST_ONCE).send();
    c.publishWith().topic("secure/a").payload("sealed".getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();

    assertThat(inbox.receive(5, TimeUnit.SECONDS).map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
        .contains("sealed");
    assertThat(broker.counter("shadowmq.tls.handshakes", "engine", "openssl")).isEqualTo(1);
    assertThat(broker.counter("shadowmq.tls.handshakes", "engine", "jdk")).isZero();
  }

  @Test
  void aClientTalksMqttOverSecureWebSocket() throws Exception {
    Mqtt5BlockingClient c = clients.track(tls("wss-1", ca.trustManager(), broker.wssPort())
        .webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking());
    c.connect();
    var inbox = c.publishes(MqttGlobalPublishFilter.SUBSCRIBED);
    c.subscribeWith().topicFilter("wss/#").qos(MqttQos.AT_LEAST_ONCE).send();
    c.publishWith().topic("wss/a").payload("framed".getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();
    assertThat(inbox.receive(5, TimeUnit.SECONDS)).isPresent();
    assertThat(broker.counter("shadowmq.tls.handshakes", "engine", "openssl")).isEqualTo(1);
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateCannotConnect() throws Exception {
    TestCertificates.Issued other = TestCertificates.ca("Other CA");
    Mqtt5BlockingClient c = clients.track(tls("tls-2", other.trustManager(), broker.mqttsPort()).buildBlocking());
    assertThatThrownBy(c::connect);
    assertThat(broker.counter("shadowmq.tls.handshakes", "engine", "openssl")).isZero();
  }

  @Test
  void aReplacedCertificateServesNewConnectionsAndOpenOnesStay() throws Exception {
    Mqtt5BlockingClient before = clients.track(tls("before", ca.trustManager(), broker.mqttsPort()).buildBlocking());
    before.connect();

    TestCertificates.Issued newCa = TestCertificates.ca("Renewed CA");
    Path staging = Files.createTempDirectory("renewed");
    TestCertificates.server(newCa).write(staging, "server");
    // Key first, then the certificate, as a renewal tool would; the broker may see them in between.
    Files.copy(staging.resolve("server.key"), dir.resolve("server.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(staging.resolve("server.pem"), dir.resolve("server.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    TrustManagerFactory renewedTrust = newCa.trustManager();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      Mqtt5BlockingClient after = tls("after", renewedTrust, broker.mqttsPort()).buildBlocking();
      try {
        after.connect();
        after.disconnect();
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    });
    assertThat(before.getState().isConnected()).as("the connection made before the renewal stays").isTrue();
    before.publishWith().topic("still/here").qos(MqttQos.AT_LEAST_ONCE).send();
  }
}
