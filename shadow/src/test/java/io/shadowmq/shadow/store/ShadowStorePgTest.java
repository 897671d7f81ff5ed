package io.shadowmq.shadow.store;

import io.shadowmq.shadow.state.Shadow;
import io.shadowmq.shadow.state.ShadowKey;
import io.vertx.core.Future;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ShadowStorePgTest extends ShadowStoreContract {
  private PostgresConfig db;
  private final List<Pool> pools = new ArrayList<>();

  private Pool pool() {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(db.connectOptions()).using(vertx)
        .build();
    pools.add(pool);
    return pool;
  }

  @Override
  protected ShadowStore open() throws Exception {
    db = TestPostgres.freshDatabase(vertx);
    return new ShadowStorePg(vertx, pool(), 10_000, 500, registry);
  }

  @Override
  protected ShadowStore reopen() {
    return new ShadowStorePg(vertx, pool(), 10_000, 500, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  @Override
  protected void closeStore() throws Exception {
    for (Pool p : pools) {
      p.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void concurrentSavesAreCommittedInFewerStatementsThanSaves() throws Exception {
    List<Future<Void>> saves = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      saves.add(store.save(ShadowKey.classic("batch-" + i), shadow(1, "{\"k\":" + i + "}", null)));
    }
    Future.all(saves).await(30, TimeUnit.SECONDS);
    var batches = registry.find("shadowmq.storage.batch.size").tag("writer", "shadow").summary();
    assertThat(batches.totalAmount()).isEqualTo(2000);
    assertThat(batches.count()).isLessThan(2000).isGreaterThanOrEqualTo(4); // at most 500 per statement
    long rows = pools.get(0).query("SELECT count(*) FROM shadow").execute().await(10, TimeUnit.SECONDS)
        .iterator().next().getLong(0);
    assertThat(rows).isEqualTo(2000);
  }

  @Test
  void concurrentLoadsShareStatementsAndEachGetsItsOwnShadow() throws Exception {
    List<Future<Void>> saves = new ArrayList<>();
    for (int i = 0; i < 300; i += 2) { // every other thing has a shadow, a named one besides
      saves.add(store.save(ShadowKey.classic("load-" + i), shadow(i + 1, "{\"k\":" + i + "}", null)));
      saves.add(store.save(ShadowKey.named("load-" + i, "aux"), shadow(1, "{\"aux\":" + i + "}", null)));
    }
    Future.all(saves).await(30, TimeUnit.SECONDS);
    ShadowStore fresh = reopenWith(registry); // a second store on the same tables

    List<Future<Shadow>> loads = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      loads.add(fresh.load(ShadowKey.classic("load-" + i)));
    }
    Future.all(loads).await(30, TimeUnit.SECONDS);
    for (int i = 0; i < 300; i++) {
      Shadow s = loads.get(i).result();
      if (i % 2 == 1) {
        assertThat(s).as("load-" + i).isNull();
      } else {
        assertThat(s.version()).as("load-" + i).isEqualTo(i + 1);
        assertThat(s.desired().getInteger("k")).as("load-" + i).isEqualTo(i);
      }
    }
    var batches = registry.find("shadowmq.storage.read.batch.size").tag("reader", "shadow").summary();
    assertThat(batches.totalAmount()).isEqualTo(300);
    assertThat(batches.count()).as("statements for 300 loads").isLessThan(300);
  }

  @Test
  void aLoadCompletesOnTheContextThatAskedForIt() throws Exception {
    store.save(ShadowKey.classic("ctx-1"), shadow(1, "{\"k\":1}", null)).await(10, TimeUnit.SECONDS);
    ShadowStore fresh = reopenWith(registry);
    io.vertx.core.Context asking = vertx.getOrCreateContext(); // not the store's own context
    java.util.concurrent.CompletableFuture<Boolean> sameContext = new java.util.concurrent.CompletableFuture<>();
    asking.runOnContext(v -> fresh.load(ShadowKey.classic("ctx-1")).onComplete(ar ->
        sameContext.complete(ar.succeeded() && ar.result() != null && io.vertx.core.Vertx.currentContext() == asking)));
    assertThat(sameContext.get(10, TimeUnit.SECONDS)).isTrue();
  }

  private ShadowStore reopenWith(io.micrometer.core.instrument.MeterRegistry meters) {
    return new ShadowStorePg(vertx, pool(), 10_000, 500, meters);
  }
}
