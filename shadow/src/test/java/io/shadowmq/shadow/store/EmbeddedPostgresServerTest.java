package io.shadowmq.shadow.store;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class EmbeddedPostgresServerTest {
  @TempDir
  Path dir;
  Vertx vertx = Vertx.vertx();

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void dataSurvivesARestartOnTheSameDirectory() throws Exception {
    Path data = dir.resolve("postgres");
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data)) {
      assertThat(SchemaMigrations.migrate(pg.config())).isGreaterThan(0);
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(pg.config().connectOptions())
          .using(vertx).build();
      pool.query("INSERT INTO retained_message (topic, payload, qos) VALUES ('a/b', 'x', 1)").execute()
          .await(10, TimeUnit.SECONDS);
      pool.close().await(10, TimeUnit.SECONDS);
    }
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data)) {
      assertThat(SchemaMigrations.migrate(pg.config())).isZero();
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(pg.config().connectOptions())
          .using(vertx).build();
      Row row = pool.query("SELECT topic, qos FROM retained_message").execute().await(10, TimeUnit.SECONDS)
          .iterator().next();
      assertThat(row.getString("topic")).isEqualTo("a/b");
      assertThat(row.getInteger("qos")).isEqualTo(1);
      pool.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSecondServerOnADataDirectoryInUseIsRefusedAndTheFirstKeepsRunning() throws Exception {
    Path data = dir.resolve("postgres");
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data)) {
      assertThatThrownBy(() -> EmbeddedPostgresServer.start(data))
          .isInstanceOf(EmbeddedPostgresServer.DataDirectoryInUseException.class)
          .hasMessageContaining("in use by another ShadowMQ process");
      assertThat(SchemaMigrations.migrate(pg.config())).as("the first server still answers").isGreaterThan(0);
    }
    try (EmbeddedPostgresServer again = EmbeddedPostgresServer.start(data)) {
      assertThat(again.port()).as("free again once the first stopped").isPositive();
    }
  }

  @Test
  void aSchemaNewerThanTheCodeStopsStartUpWithAClearMessage() throws Exception {
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("postgres"))) {
      SchemaMigrations.migrate(pg.config());
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(pg.config().connectOptions())
          .using(vertx).build();
      pool.query("INSERT INTO shadowmq_schema_history (installed_rank, version, description, type, script, checksum, "
          + "installed_by, execution_time, success) VALUES (99, '99', 'from the future', 'SQL', 'V99__future.sql', 0, "
          + "'postgres', 1, true)").execute().await(10, TimeUnit.SECONDS);
      pool.close().await(10, TimeUnit.SECONDS);

      assertThatThrownBy(() -> SchemaMigrations.migrate(pg.config()))
          .isInstanceOf(SchemaMigrations.SchemaTooNewException.class)
          .hasMessageContaining("version 99")
          .hasMessageContaining("newer than this ShadowMQ knows");
    }
  }
}
