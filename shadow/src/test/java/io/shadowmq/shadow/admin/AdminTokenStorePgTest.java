package io.shadowmq.shadow.admin;

import io.shadowmq.shadow.store.PostgresConfig;
import io.shadowmq.shadow.store.TestPostgres;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.concurrent.TimeUnit;

class AdminTokenStorePgTest extends AdminTokenStoreContract {
  private Pool pool;

  @Override
  protected AdminTokenStore open() throws Exception {
    PostgresConfig db = TestPostgres.freshDatabase(vertx);
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(3)).connectingTo(db.connectOptions()).using(vertx).build();
    return new AdminTokenStorePg(pool);
  }

  @Override
  protected void closeStore() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
  }
}
