package io.shadowmq.shadow.store;

import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

class RetainedMessageStorePgTest extends RetainedMessageStoreContract {
  private PostgresConfig db;
  private final List<Pool> pools = new ArrayList<>();

  private RetainedMessageStorePg create() {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(db.connectOptions()).using(vertx).build();
    pools.add(pool);
    return new RetainedMessageStorePg(vertx, pool, 10_000, 100, registry);
  }

  @Override
  protected RetainedMessageStore open() throws Exception {
    db = TestPostgres.freshDatabase(vertx);
    return create();
  }

  @Override
  protected RetainedMessageStore reopen() {
    return create();
  }

  @Override
  protected void closeStore() throws Exception {
    for (Pool p : pools) {
      p.close().await(10, TimeUnit.SECONDS);
    }
  }
}
