package io.shadowmq.broker.storage;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.shadowmq.broker.TestBroker;
import io.shadowmq.shadow.store.EmbeddedPostgresServer;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** PostgreSQL goes away under a running broker and comes back: MQTT goes on, storage catches up. */
@Timeout(120)
class OutageTest {
  @TempDir
  Path pgData;
  @TempDir
  Path brokerData;
  EmbeddedPostgresServer postgres;
  TestBroker broker;
  Mqtt5BlockingClient publisher;
  Mqtt5BlockingClient subscriber;
  Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() throws Exception {
    for (Mqtt5BlockingClient c : new Mqtt5BlockingClient[] {publisher, subscriber}) {
      if (c != null) {
        c.disconnect();
      }
    }
    if (broker != null) {
      broker.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  long storedRetained(String topic) throws Exception {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(postgres.config().connectOptions())
        .using(vertx).build();
    try {
      return pool.preparedQuery("SELECT count(*) FROM retained_message WHERE topic = $1")
          .execute(io.vertx.sqlclient.Tuple.of(topic)).await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
    } finally {
      pool.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void mqttKeepsRoutingWhilePostgresIsDownAndStorageCatchesUpWhenItIsBack() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    postgres = EmbeddedPostgresServer.start(pgData, port);
    broker = TestBroker.startWithStorage("--data-dir", brokerData.toString(), "--storage-write-interval", "100",
        "--pg-url", "postgresql://postgres@127.0.0.1:" + port + "/postgres");
    subscriber = MqttClient.builder().useMqttVersion5().identifier("sub").serverHost("127.0.0.1")
        .serverPort(broker.port()).buildBlocking();
    subscriber.connect();
    var received = subscriber.publishes(MqttGlobalPublishFilter.ALL);
    subscriber.subscribeWith().topicFilter("live/#").qos(MqttQos.AT_LEAST_ONCE).send();
    publisher = MqttClient.builder().useMqttVersion5().identifier("pub").serverHost("127.0.0.1")
        .serverPort(broker.port()).buildBlocking();
    publisher.connect();

    postgres.close();
    await().atMost(Duration.ofSeconds(15)).until(() -> broker.gauge("shadowmq.storage.up") == 0);

    // Routing does not need the database.
    publisher.publishWith().topic("live/a").payload("during".getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE).retain(true).send();
    assertThat(received.receive(10, TimeUnit.SECONDS).map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
        .contains("during");
    await().atMost(Duration.ofSeconds(10)).until(() -> broker.counter("shadowmq.storage.flush.failures", "writer", "retained") > 0);

    postgres = EmbeddedPostgresServer.start(pgData, port);
    await().atMost(Duration.ofSeconds(30)).until(() -> broker.gauge("shadowmq.storage.up") == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> storedRetained("live/a") == 1);
  }
}
