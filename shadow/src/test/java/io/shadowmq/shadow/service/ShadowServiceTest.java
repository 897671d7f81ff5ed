package io.shadowmq.shadow.service;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shadowmq.shadow.state.Shadow;
import io.shadowmq.shadow.state.ShadowKey;
import io.shadowmq.shadow.state.ShadowLimits;
import io.shadowmq.shadow.state.ShadowOperation;
import io.shadowmq.shadow.state.ShadowOutcome;
import io.shadowmq.shadow.state.ShadowRequest;
import io.shadowmq.shadow.store.PostgresConfig;
import io.shadowmq.shadow.store.ShadowStorePg;
import io.shadowmq.shadow.store.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The shadow service on a real embedded PostgreSQL: ordering, durability, cache, rate, storage failures. */
@Timeout(60)
class ShadowServiceTest {
  Vertx vertx = Vertx.vertx();
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  PostgresConfig db;
  final List<Pool> pools = new ArrayList<>();
  ShadowService service;

  @BeforeEach
  void setUp() throws Exception {
    db = TestPostgres.freshDatabase(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (service != null) {
      service.stop().await(10, TimeUnit.SECONDS);
    }
    for (Pool p : pools) {
      p.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  Pool pool(PgConnectOptions options) {
    Pool p = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(options).using(vertx).build();
    pools.add(p);
    return p;
  }

  ShadowStorePg store() {
    return new ShadowStorePg(vertx, pool(db.connectOptions()), 10_000, 500, registry);
  }

  ShadowService start(ShadowStorePg store, ShadowLimits limits, int shards, int cacheSize) throws Exception {
    service = ShadowService.start(vertx, store, limits, shards, cacheSize, Clock.systemUTC(), registry)
        .await(10, TimeUnit.SECONDS);
    return service;
  }

  static ShadowRequest request(ShadowKey key, ShadowOperation op, String body) {
    return new ShadowRequest(key, op, body.getBytes(StandardCharsets.UTF_8));
  }

  ShadowOutcome call(ShadowRequest r) throws Exception {
    return service.handle(r).await(10, TimeUnit.SECONDS);
  }

  @Test
  void concurrentUpdatesOfOneThingGetConsecutiveVersionsAndAreAllStored() throws Exception {
    start(store(), ShadowLimits.defaults(), 2, 100);
    ShadowKey key = ShadowKey.classic("meter-1");
    List<Future<ShadowOutcome>> all = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int base = t * 25;
      Thread th = new Thread(() -> {
        for (int i = 0; i < 25; i++) {
          Future<ShadowOutcome> f = service.handle(request(key, ShadowOperation.UPDATE,
              "{\"state\":{\"reported\":{\"r" + (base + i) + "\":" + (base + i) + "}}}"));
          synchronized (all) {
            all.add(f);
          }
        }
      });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    Future.all(all).await(30, TimeUnit.SECONDS);
    assertThat(all).allMatch(f -> f.result().isAccepted());
    assertThat(all.stream().map(f -> f.result().next().version())).containsExactlyInAnyOrderElementsOf(
        java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList());

    Shadow stored = store().load(key).await(10, TimeUnit.SECONDS);
    assertThat(stored.version()).isEqualTo(100);
    assertThat(stored.reported().size()).isEqualTo(100);
  }

  @Test
  void anAcceptedUpdateIsAlreadyCommittedWhenItsOutcomeArrives() throws Exception {
    start(store(), ShadowLimits.defaults(), 2, 100);
    ShadowKey key = ShadowKey.named("meter-2", "config");
    ShadowOutcome o = call(request(key, ShadowOperation.UPDATE, "{\"state\":{\"desired\":{\"rate\":5}}}"));
    assertThat(o.isAccepted()).isTrue();
    // Read through another pool, at once: no waiting for a write behind.
    Shadow stored = store().load(key).await(10, TimeUnit.SECONDS);
    assertThat(stored.version()).isEqualTo(1);
    assertThat(stored.desired()).isEqualTo(new JsonObject().put("rate", 5));
  }

  @Test
  void aShadowNoLongerCachedIsReadBackFromTheStore() throws Exception {
    start(store(), ShadowLimits.defaults(), 1, 1);
    ShadowKey a = ShadowKey.classic("a");
    call(request(a, ShadowOperation.UPDATE, "{\"state\":{\"reported\":{\"v\":1}}}"));
    call(request(ShadowKey.classic("b"), ShadowOperation.UPDATE, "{\"state\":{\"reported\":{\"v\":1}}}"));
    // Changed behind the service's back: only a read from PostgreSQL can see it.
    pool(db.connectOptions()).query("UPDATE shadow SET version = 9 WHERE thing_name = 'a'").execute()
        .await(10, TimeUnit.SECONDS);
    ShadowOutcome got = call(request(a, ShadowOperation.GET, ""));
    assertThat(got.answer().body().getLong("version")).isEqualTo(9);
  }

  @Test
  void aThingOverItsRateGets429WhileOtherThingsAreServed() throws Exception {
    start(store(), new ShadowLimits(8192, 6, 64, 128, 64, 1, 2), 2, 100);
    ShadowKey busy = ShadowKey.classic("chatty");
    call(request(busy, ShadowOperation.GET, ""));
    call(request(busy, ShadowOperation.GET, ""));
    ShadowOutcome third = call(request(busy, ShadowOperation.GET, "{\"clientToken\":\"t3\"}"));
    assertThat(third.code()).isEqualTo(429);
    assertThat(third.answer().body().getString("clientToken")).isEqualTo("t3");
    assertThat(call(request(ShadowKey.classic("quiet"), ShadowOperation.GET, "")).code()).isEqualTo(404);
    assertThat(registry.find("shadowmq.shadow.requests").tags("operation", "get", "result", "429").counter().count())
        .isEqualTo(1);
  }

  @Test
  void anUnreachableDatabaseGives503() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Pool nowhere = pool(new PgConnectOptions(db.connectOptions()).setPort(closedPort));
    start(new ShadowStorePg(vertx, nowhere, 100, 100, registry), ShadowLimits.defaults(), 1, 100);
    ShadowOutcome o = call(request(ShadowKey.classic("x"), ShadowOperation.UPDATE,
        "{\"state\":{\"reported\":{\"a\":1}},\"clientToken\":\"u\"}"));
    assertThat(o.answer().body().getInteger("code")).isEqualTo(503);
    assertThat(o.answer().body().getString("message")).isEqualTo("Service unavailable");
    assertThat(o.answer().body().getString("clientToken")).isEqualTo("u");
  }

  @Test
  void aWriteTheDatabaseRefusesGives500AndNothingIsPretendedStored() throws Exception {
    start(store(), ShadowLimits.defaults(), 1, 100);
    ShadowKey key = ShadowKey.classic("refused");
    assertThat(call(request(key, ShadowOperation.UPDATE, "{\"state\":{\"reported\":{\"a\":1}}}")).isAccepted()).isTrue();
    Pool admin = pool(db.connectOptions());
    admin.query("ALTER TABLE shadow ADD CONSTRAINT no_v2 CHECK (version < 2) NOT VALID").execute()
        .await(10, TimeUnit.SECONDS);
    ShadowOutcome refused = call(request(key, ShadowOperation.UPDATE, "{\"state\":{\"reported\":{\"a\":2}}}"));
    assertThat(refused.code()).isEqualTo(500);
    assertThat(refused.answer().body().getString("message")).isEqualTo("Internal service failure");

    admin.query("ALTER TABLE shadow DROP CONSTRAINT no_v2").execute().await(10, TimeUnit.SECONDS);
    ShadowOutcome got = call(request(key, ShadowOperation.GET, ""));
    assertThat(got.answer().body().getLong("version")).isEqualTo(1);
    assertThat(got.answer().body().getJsonObject("state").getJsonObject("reported").getInteger("a")).isEqualTo(1);
  }

  @Test
  void theCurrentDeltaIsReadInTurnWithTheUpdates() throws Exception {
    start(store(), ShadowLimits.defaults(), 2, 100);
    ShadowKey key = ShadowKey.classic("lamp");
    assertThat(service.currentDelta(key).await(10, TimeUnit.SECONDS)).isNull();
    service.handle(request(key, ShadowOperation.UPDATE, "{\"state\":{\"desired\":{\"on\":true}}}"));
    JsonObject delta = service.currentDelta(key).await(10, TimeUnit.SECONDS);
    assertThat(delta.getJsonObject("state")).isEqualTo(new JsonObject().put("on", true));
    assertThat(delta.getLong("version")).isEqualTo(1);
  }
}
