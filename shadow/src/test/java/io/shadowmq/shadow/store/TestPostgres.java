package io.shadowmq.shadow.store;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One embedded PostgreSQL for the test JVM, started on first use and stopped at exit; each test
 * class gets a database of its own, migrated to the current schema.
 */
public final class TestPostgres {
  private static EmbeddedPostgresServer server;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private TestPostgres() {
  }

  public static synchronized EmbeddedPostgresServer server() throws Exception {
    if (server == null) {
      Path dir = Files.createTempDirectory("shadowmq-pg");
      server = EmbeddedPostgresServer.start(dir.resolve("postgres"));
      EmbeddedPostgresServer s = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          s.close();
        } catch (Exception ignored) {
          // the JVM is exiting; PostgreSQL's own shutdown is best effort here
        }
        deleteTree(dir); // its cluster is hundreds of megabytes
      }));
    }
    return server;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: what is left is in the temporary directory
    }
  }

  /** Creates a fresh, migrated database and returns how to reach it. */
  public static PostgresConfig freshDatabase(Vertx vertx) throws Exception {
    PostgresConfig admin = server().config();
    String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(admin.connectOptions())
        .using(vertx).build();
    try {
      pool.query("CREATE DATABASE " + name).execute().await(30, TimeUnit.SECONDS);
    } finally {
      pool.close().await(10, TimeUnit.SECONDS);
    }
    PostgresConfig config = new PostgresConfig(admin.host(), admin.port(), name, admin.user(), admin.password(),
        admin.sslMode());
    SchemaMigrations.migrate(config);
    return config;
  }
}
