package io.shadowmq.broker.shadow;

import io.shadowmq.broker.TestBroker;
import io.shadowmq.broker.shadow.ShadowClient.Received;
import io.shadowmq.shadow.store.EmbeddedPostgresServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The shadow on PostgreSQL: what was accepted survives a restart; storage failures are 503 and 500 over MQTT. */
@Timeout(120)
class ShadowStorageTest {
  @TempDir
  Path brokerData;
  @TempDir
  Path pgData;
  TestBroker broker;
  EmbeddedPostgresServer postgres;
  final List<ShadowClient> clients = new ArrayList<>();
  Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() throws Exception {
    clients.forEach(ShadowClient::close);
    if (broker != null) {
      broker.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  ShadowClient client(String id) {
    ShadowClient c = new ShadowClient(broker, id);
    clients.add(c);
    return c;
  }

  void startExternalPostgres() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    postgres = EmbeddedPostgresServer.start(pgData, port);
    broker = TestBroker.startWithStorage("--data-dir", brokerData.toString(),
        "--pg-url", "postgresql://postgres@127.0.0.1:" + port + "/postgres");
  }

  void sql(String statement) throws Exception {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(postgres.config().connectOptions())
        .using(vertx).build();
    try {
      pool.query(statement).execute().await(10, TimeUnit.SECONDS);
    } finally {
      pool.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void acceptedShadowsAreThereAfterARestart() throws Exception {
    broker = TestBroker.startWithStorage("--data-dir", brokerData.toString());
    ShadowClient app = client("app").subscribe("$aws/things/+/shadow/#");
    app.publish("$aws/things/boiler/shadow/update", "{\"state\":{\"desired\":{\"temp\":60},\"reported\":{\"temp\":55}}}");
    assertThat(app.next().topic()).endsWith("/update/accepted");
    app.publish("$aws/things/boiler/shadow/name/schedule/update", "{\"state\":{\"desired\":{\"night\":[22,6]}}}");
    Received acceptedNamed = app.next();
    while (!acceptedNamed.topic().endsWith("name/schedule/update/accepted")) {
      acceptedNamed = app.next(); // skip the classic shadow's delta and documents
    }
    app.publish("$aws/things/gone/shadow/update", "{\"state\":{\"reported\":{\"x\":1}}}");
    app.publish("$aws/things/gone/shadow/delete", "");
    Received deleted = app.next();
    while (!deleted.topic().endsWith("gone/shadow/delete/accepted")) {
      deleted = app.next();
    }
    clients.forEach(ShadowClient::close);
    clients.clear();
    broker.close();

    broker = TestBroker.startWithStorage("--data-dir", brokerData.toString());
    ShadowClient back = client("app-2").subscribe("$aws/things/+/shadow/get/+", "$aws/things/+/shadow/name/+/get/+",
        "$aws/things/+/shadow/update/accepted");
    back.publish("$aws/things/boiler/shadow/get", "");
    Received classic = back.next();
    assertThat(classic.body().getJsonObject("state")).isEqualTo(new JsonObject(
        "{\"desired\":{\"temp\":60},\"reported\":{\"temp\":55},\"delta\":{\"temp\":60}}"));
    back.publish("$aws/things/boiler/shadow/name/schedule/get", "");
    assertThat(back.next().body().getJsonObject("state").getJsonObject("desired"))
        .isEqualTo(new JsonObject("{\"night\":[22,6]}"));
    back.publish("$aws/things/gone/shadow/get", "");
    assertThat(back.next().body().getInteger("code")).isEqualTo(404);
    back.publish("$aws/things/gone/shadow/update", "{\"state\":{\"reported\":{\"x\":2}}}");
    assertThat(back.next().body().getLong("version")).as("the deleted shadow's version is kept").isEqualTo(2);
  }

  @Test
  void whilePostgresIsDownShadowRequestsGet503AndAreServedAgainWhenItIsBack() throws Exception {
    startExternalPostgres();
    ShadowClient c = client("tank").subscribe("$aws/things/tank/shadow/update/accepted",
        "$aws/things/tank/shadow/update/rejected");
    c.publish("$aws/things/tank/shadow/update", "{\"state\":{\"reported\":{\"level\":1}}}");
    assertThat(c.next().topic()).endsWith("/accepted");

    postgres.close();
    c.publish("$aws/things/tank/shadow/update", "{\"state\":{\"reported\":{\"level\":2}},\"clientToken\":\"down\"}");
    Received r = c.next();
    assertThat(r.topic()).endsWith("/rejected");
    assertThat(r.body().getInteger("code")).isEqualTo(503);
    assertThat(r.body().getString("clientToken")).isEqualTo("down");

    postgres = EmbeddedPostgresServer.start(pgData, postgres.config().port());
    // The pool reconnects on its own: retried until accepted (every attempt is answered, 503 until then).
    AtomicReference<Received> after = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      c.publish("$aws/things/tank/shadow/update", "{\"state\":{\"reported\":{\"level\":3}}}");
      after.set(c.next());
      return after.get().topic().endsWith("/accepted");
    });
    assertThat(after.get().body().getLong("version")).as("the refused update left no trace").isEqualTo(2);
  }

  @Test
  void aChangeTheDatabaseRefusesGets500() throws Exception {
    startExternalPostgres();
    ShadowClient c = client("meter").subscribe("$aws/things/meter/shadow/update/+");
    c.publish("$aws/things/meter/shadow/update", "{\"state\":{\"reported\":{\"kwh\":1}}}");
    assertThat(c.next().topic()).endsWith("/accepted");
    c.next(); // documents
    sql("ALTER TABLE shadow ADD CONSTRAINT refuse_v2 CHECK (version < 2) NOT VALID");
    c.publish("$aws/things/meter/shadow/update", "{\"state\":{\"reported\":{\"kwh\":2}}}");
    Received r = c.next();
    assertThat(r.topic()).endsWith("/rejected");
    assertThat(r.body().getInteger("code")).isEqualTo(500);
    assertThat(r.body().getString("message")).isEqualTo("Internal service failure");
  }
}
