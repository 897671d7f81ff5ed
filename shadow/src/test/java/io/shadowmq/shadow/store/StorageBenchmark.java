package io.shadowmq.shadow.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Storage benchmark (not a test): retained-message and session-queue writes per second with group
 * commit versus one transaction per write, and the commit latency each write sees, on the
 * embedded PostgreSQL. Run with {@code loadtest/storage-benchmark.sh}.
 */
public final class StorageBenchmark {
  private static final int MEASURED = Integer.getInteger("writes", 50_000);
  private static int WRITES = MEASURED;
  private static final int IN_FLIGHT = Integer.getInteger("inFlight", 256);
  private static final int POOL = Integer.getInteger("pool", 4);

  private StorageBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("shadowmq-bench");
    Vertx vertx = Vertx.vertx();
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("postgres"))) {
      SchemaMigrations.migrate(pg.config());
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(POOL)).connectingTo(pg.config().connectOptions())
          .using(vertx).build();
      pool.query("INSERT INTO mqtt_session (client_id, expiry_seconds, connected) "
          + "SELECT 'dev-' || i, 3600, false FROM generate_series(0, 999) i").execute().await(30, TimeUnit.SECONDS);
      System.out.printf("%d writes, %d in flight, pool of %d connections, PostgreSQL data on %s%n%n", WRITES, IN_FLIGHT,
          POOL, dir);
      System.out.printf("%-42s %10s %10s %10s %10s%n", "case", "writes/s", "p50 ms", "p99 ms", "batches");

      byte[] payload = new byte[64];
      String retainedOne = "INSERT INTO retained_message (topic, payload, qos) VALUES ($1, $2, 1) "
          + "ON CONFLICT (topic) DO UPDATE SET payload = EXCLUDED.payload";
      String retainedMany = "INSERT INTO retained_message (topic, payload, qos) SELECT t, p, 1 FROM unnest($1::text[], $2::bytea[]) "
          + "AS u(t, p) ON CONFLICT (topic) DO UPDATE SET payload = EXCLUDED.payload";
      String queueOne = "INSERT INTO mqtt_session_message (client_id, seq, topic, payload, qos, retain) "
          + "VALUES ($1, $2, 't', $3, 1, false)";
      String queueMany = "INSERT INTO mqtt_session_message (client_id, seq, topic, payload, qos, retain) "
          + "SELECT c, s, 't', p, 1, false FROM unnest($1::text[], $2::bigint[], $3::bytea[]) AS u(c, s, p)";
      AtomicInteger seq = new AtomicInteger();
      for (int round = 0; round < 2; round++) {
        // The first round warms the JIT and PostgreSQL's caches up and is not printed.
        boolean print = round == 1;
        WRITES = print ? MEASURED : Math.min(MEASURED, 20_000);
        pool.query("TRUNCATE retained_message, mqtt_session_message").execute().await(30, TimeUnit.SECONDS);

        run(vertx, print, "retained, one transaction per write", i -> pool.withTransaction(c -> c.preparedQuery(retainedOne)
            .execute(Tuple.of("bench/one/" + i, Buffer.buffer(payload)))).mapEmpty(), null);
        run(vertx, print, "retained, group commit", null, batch -> pool.preparedQuery(retainedMany).execute(Tuple.tuple()
            .addValue(batch.stream().map(i -> "bench/group/" + i).toArray(String[]::new))
            .addValue(batch.stream().map(i -> Buffer.buffer(payload)).toArray(Buffer[]::new))).mapEmpty());
        run(vertx, print, "session queue, one transaction per write", i -> pool.withTransaction(c -> c.preparedQuery(queueOne)
            .execute(Tuple.of("dev-" + (i % 1000), (long) seq.incrementAndGet(), Buffer.buffer(payload)))).mapEmpty(), null);
        run(vertx, print, "session queue, group commit", null, batch -> pool.preparedQuery(queueMany).execute(Tuple.tuple()
            .addValue(batch.stream().map(i -> "dev-" + (i % 1000)).toArray(String[]::new))
            .addValue(batch.stream().map(i -> (long) seq.incrementAndGet()).toArray(Long[]::new))
            .addValue(batch.stream().map(i -> Buffer.buffer(payload)).toArray(Buffer[]::new))).mapEmpty());
      }
      pool.close().await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Runs WRITES writes with IN_FLIGHT outstanding, either one at a time ({@code single}) or through a group-commit writer. */
  private static void run(Vertx vertx, boolean print, String name, Function<Integer, Future<Void>> single,
                          GroupCommitWriter.BatchCommit<Integer> batch) throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GroupCommitWriter<Integer> writer = batch == null ? null
        : new GroupCommitWriter<>(vertx, "bench", batch, 1_000_000, 5000, registry);
    long[] latencies = new long[WRITES];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    Promise<Void> finished = Promise.promise();
    long start = System.nanoTime();
    Runnable[] issue = new Runnable[1];
    issue[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= WRITES) {
        return;
      }
      long t0 = System.nanoTime();
      Future<Void> f = single != null ? single.apply(i) : writer.submit(i);
      f.onComplete(ar -> {
        if (ar.failed()) {
          finished.tryFail(ar.cause());
          return;
        }
        latencies[i] = System.nanoTime() - t0;
        if (done.incrementAndGet() == WRITES) {
          finished.tryComplete();
        } else {
          issue[0].run();
        }
      });
    };
    vertx.runOnContext(v -> {
      for (int k = 0; k < IN_FLIGHT; k++) {
        issue[0].run();
      }
    });
    finished.future().await(10, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(latencies);
    long batches = writer == null ? WRITES : registry.find("shadowmq.storage.batch.size").summary().count();
    if (!print) {
      return;
    }
    System.out.printf("%-42s %10.0f %10.2f %10.2f %10d%n", name, WRITES / seconds,
        latencies[WRITES / 2] / 1e6, latencies[(int) (WRITES * 0.99)] / 1e6, batches);
  }
}
