package io.shadowmq.shadow.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class GroupCommitWriterTest {
  Vertx vertx = Vertx.vertx();
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  Pool pool;

  @BeforeEach
  void setUp() throws Exception {
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
        .connectingTo(TestPostgres.freshDatabase(vertx).connectOptions()).using(vertx).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Future<Void> insertAll(List<String> topics) {
    return pool.preparedQuery("INSERT INTO retained_message (topic, payload, qos) SELECT t, '\\x00'::bytea, 0 FROM unnest($1::text[]) t")
        .execute(Tuple.tuple().addValue(topics.toArray(new String[0]))).mapEmpty();
  }

  @Test
  void writesFromManyThreadsAreCommittedInFewerRoundTripsThanWrites() throws Exception {
    GroupCommitWriter<String> writer = new GroupCommitWriter<>(vertx, "test", this::insertAll, 100_000, 500, registry);
    List<Future<Void>> all = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int base = t * 1000;
      Thread th = new Thread(() -> {
        for (int i = 0; i < 1000; i++) {
          Future<Void> f = writer.submit("t/" + (base + i));
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

    long rows = pool.query("SELECT count(*) FROM retained_message").execute().await(10, TimeUnit.SECONDS)
        .iterator().next().getLong(0);
    assertThat(rows).isEqualTo(4000);
    var batches = registry.find("shadowmq.storage.batch.size").summary();
    assertThat(batches.totalAmount()).isEqualTo(4000);
    assertThat(batches.count()).isLessThan(4000).isGreaterThanOrEqualTo(8); // at most 500 per batch
    assertThat(writer.queued()).isZero();
  }

  @Test
  void aFullQueueRefusesWritesAtOnceAndRecoversWhenTheDatabaseCatchesUp() throws Exception {
    Promise<Void> databaseBack = Promise.promise();
    java.util.concurrent.CountDownLatch firstBatchStarted = new java.util.concurrent.CountDownLatch(1);
    GroupCommitWriter<String> writer = new GroupCommitWriter<>(vertx, "slow", batch -> {
      firstBatchStarted.countDown();
      return databaseBack.future().compose(v -> insertAll(batch));
    }, 10, 100, registry);
    List<Future<Void>> accepted = new ArrayList<>();
    accepted.add(writer.submit("q/first"));
    assertThat(firstBatchStarted.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 10; i++) {
      accepted.add(writer.submit("q/" + i)); // waits behind the batch in flight: the queue is now full
    }
    Future<Void> refused = writer.submit("q/refused");
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause()).isInstanceOf(StorageBusyException.class).hasMessageContaining("full");
    assertThat(registry.find("shadowmq.storage.writes.rejected").counter().count()).isEqualTo(1);

    databaseBack.complete();
    Future.all(accepted).await(30, TimeUnit.SECONDS);
    writer.submit("q/after").await(10, TimeUnit.SECONDS);
    long rows = pool.query("SELECT count(*) FROM retained_message").execute().await(10, TimeUnit.SECONDS)
        .iterator().next().getLong(0);
    assertThat(rows).isEqualTo(12);
  }

  @Test
  void aFailedBatchFailsTheWritesInItAndTheWriterGoesOn() throws Exception {
    GroupCommitWriter<String> writer = new GroupCommitWriter<>(vertx, "dup", this::insertAll, 100, 100, registry);
    writer.submit("same").await(10, TimeUnit.SECONDS);
    Future<Void> duplicate = writer.submit("same");
    assertThatThrownBy(() -> duplicate.await(10, TimeUnit.SECONDS)).hasMessageContaining("duplicate key");
    assertThat(registry.find("shadowmq.storage.writes.failed").counter().count()).isEqualTo(1);
    writer.submit("other").await(10, TimeUnit.SECONDS);
  }
}
