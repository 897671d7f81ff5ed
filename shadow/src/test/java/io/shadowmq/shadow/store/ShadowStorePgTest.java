package io.shadowmq.shadow.store;

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
}
