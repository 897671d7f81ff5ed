package io.shadowmq.shadow.store;

import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

class SessionStorePgTest extends SessionStoreContract {
  private PostgresConfig db;
  private final List<Pool> pools = new ArrayList<>();

  private SessionStorePg create() {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(db.connectOptions()).using(vertx).build();
    pools.add(pool);
    return new SessionStorePg(vertx, pool, 100_000, 100, registry);
  }

  @Override
  protected SessionStore open() throws Exception {
    db = TestPostgres.freshDatabase(vertx);
    return create();
  }

  @Override
  protected SessionStore reopen() {
    return create();
  }

  @Override
  protected void closeStore() throws Exception {
    for (Pool p : pools) {
      p.close().await(10, TimeUnit.SECONDS);
    }
  }
}
