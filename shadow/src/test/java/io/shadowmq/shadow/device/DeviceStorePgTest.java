package io.shadowmq.shadow.device;

import io.shadowmq.shadow.store.PostgresConfig;
import io.shadowmq.shadow.store.TestPostgres;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.concurrent.TimeUnit;

class DeviceStorePgTest extends DeviceStoreContract {
  private Pool pool;

  @Override
  protected DeviceStore open() throws Exception {
    PostgresConfig db = TestPostgres.freshDatabase(vertx);
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(db.connectOptions()).using(vertx).build();
    return new DeviceStorePg(pool);
  }

  @Override
  protected void closeStore() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
  }
}
