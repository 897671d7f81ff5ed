package io.shadowmq.shadow.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The coalescing and retry rules of write-behind, with a recording flush in place of a database. */
@Timeout(30)
class WriteBehindTest {
  Vertx vertx = Vertx.vertx();
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  List<List<Map.Entry<String, String>>> upserts = new ArrayList<>();
  List<List<String>> deletes = new ArrayList<>();
  AtomicBoolean databaseDown = new AtomicBoolean();

  WriteBehind<String, String> writer = new WriteBehind<>(vertx, "test", (u, d) -> {
    if (databaseDown.get()) {
      return Future.failedFuture("connection refused");
    }
    upserts.add(u);
    deletes.add(d);
    return Future.succeededFuture();
  }, 3, 100, 60_000, registry);

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void severalChangesToOneKeyAreWrittenOnceWithTheLatestValue() throws Exception {
    writer.put("k", "v1", true);
    writer.put("k", "v2", false);
    writer.flush().await(5, TimeUnit.SECONDS);
    assertThat(upserts).hasSize(1);
    assertThat(upserts.get(0)).containsExactly(Map.entry("k", "v2"));
    assertThat(writer.pendingCount()).isZero();
  }

  @Test
  void aRowInsertedAndDeletedBetweenTwoFlushesIsNeverWritten() throws Exception {
    writer.put("k", "v", true);
    writer.delete("k");
    writer.flush().await(5, TimeUnit.SECONDS);
    assertThat(upserts).allSatisfy(u -> assertThat(u).isEmpty());
    assertThat(deletes).allSatisfy(d -> assertThat(d).isEmpty());
    assertThat(writer.pendingCount()).isZero();
  }

  @Test
  void aRowAlreadyWrittenIsDeleted() throws Exception {
    writer.put("k", "v", true);
    writer.flush().await(5, TimeUnit.SECONDS);
    writer.delete("k");
    writer.flush().await(5, TimeUnit.SECONDS);
    assertThat(deletes.get(1)).containsExactly("k");
  }

  @Test
  void reinsertingOverAPendingDeleteOfAWrittenRowStillDeletesItWhenDeletedAgain() throws Exception {
    writer.put("k", "v", true);
    writer.flush().await(5, TimeUnit.SECONDS);
    writer.delete("k");
    writer.put("k", "again", true);
    writer.delete("k");
    writer.flush().await(5, TimeUnit.SECONDS);
    assertThat(deletes.get(1)).containsExactly("k");
  }

  @Test
  void changesAreKeptWhileTheDatabaseIsDownAndWrittenWhenItIsBack() throws Exception {
    databaseDown.set(true);
    writer.put("a", "1", true);
    assertThatThrownBy(() -> writer.flush().await(5, TimeUnit.SECONDS)).hasMessageContaining("connection refused");
    assertThat(writer.isFailing()).isTrue();
    assertThat(writer.pendingCount()).isEqualTo(1);

    databaseDown.set(false);
    writer.flush().await(5, TimeUnit.SECONDS);
    assertThat(upserts.get(0)).containsExactly(Map.entry("a", "1"));
    assertThat(writer.isFailing()).isFalse();
  }

  @Test
  void pastItsCapacityANewKeyIsRefusedAndCounted() {
    assertThat(writer.put("a", "1", true)).isTrue();
    assertThat(writer.put("b", "1", true)).isTrue();
    assertThat(writer.put("c", "1", true)).isTrue();
    assertThat(writer.put("d", "1", true)).isFalse();
    assertThat(writer.put("a", "2", false)).isTrue(); // an already pending key still takes changes
    assertThat(registry.find("shadowmq.storage.writes.rejected").counter().count()).isEqualTo(1);
  }
}
