package io.shadowmq.shadow.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link RetainedMessageStore} must do; run against each implementation. */
@Timeout(60)
abstract class RetainedMessageStoreContract {
  protected Vertx vertx = Vertx.vertx();
  protected SimpleMeterRegistry registry = new SimpleMeterRegistry();
  protected RetainedMessageStore store;

  /** A store on an empty database; {@link #reopen()} must return one on the same data. */
  protected abstract RetainedMessageStore open() throws Exception;

  protected abstract RetainedMessageStore reopen() throws Exception;

  protected abstract void closeStore() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    store = open();
  }

  @AfterEach
  void tearDown() throws Exception {
    closeStore();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static StoredMessage msg(String topic, String payload, long expiresAt) {
    return new StoredMessage(topic, payload.getBytes(StandardCharsets.UTF_8), 1, true, new byte[] {1, 2, 3}, expiresAt, "pub-1");
  }

  List<StoredMessage> loadAll(RetainedMessageStore s) throws Exception {
    List<StoredMessage> out = new ArrayList<>();
    s.loadAll(out::add).await(10, TimeUnit.SECONDS);
    return out;
  }

  @Test
  void storedMessagesAreReadBackWithEveryField() throws Exception {
    long expiry = System.currentTimeMillis() + 3_600_000;
    store.put(msg("a/b", "one", expiry));
    store.put(msg("a/c", "two", 0));
    store.flush().await(10, TimeUnit.SECONDS);

    List<StoredMessage> all = loadAll(reopen());
    assertThat(all).hasSize(2);
    StoredMessage ab = all.stream().filter(m -> m.topic().equals("a/b")).findFirst().orElseThrow();
    assertThat(new String(ab.payload(), StandardCharsets.UTF_8)).isEqualTo("one");
    assertThat(ab.qos()).isEqualTo(1);
    assertThat(ab.properties()).containsExactly(1, 2, 3);
    assertThat(ab.expiresAtMillis()).isEqualTo(expiry);
    assertThat(ab.publisher()).isEqualTo("pub-1");
    assertThat(all.stream().filter(m -> m.topic().equals("a/c")).findFirst().orElseThrow().expiresAtMillis()).isZero();
  }

  @Test
  void aNewMessageReplacesTheOldOneAndRemoveClearsTheTopic() throws Exception {
    store.put(msg("x", "old", 0));
    store.put(msg("y", "stays", 0));
    store.flush().await(10, TimeUnit.SECONDS);
    store.put(msg("x", "new", 0));
    store.remove("y");
    store.flush().await(10, TimeUnit.SECONDS);

    List<StoredMessage> all = loadAll(reopen());
    assertThat(all).extracting(StoredMessage::topic).containsExactly("x");
    assertThat(new String(all.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("new");
  }

  @Test
  void expiredMessagesAreNotReadBack() throws Exception {
    store.put(msg("gone", "x", System.currentTimeMillis() - 1000));
    store.put(msg("kept", "x", 0));
    store.flush().await(10, TimeUnit.SECONDS);
    assertThat(loadAll(reopen())).extracting(StoredMessage::topic).containsExactly("kept");
  }

  @Test
  void manyMessagesAreReadBackAcrossPages() throws Exception {
    for (int i = 0; i < 2500; i++) {
      store.put(msg("many/" + i, "v" + i, 0));
    }
    store.drain().await(20, TimeUnit.SECONDS);
    assertThat(loadAll(reopen())).hasSize(2500);
  }
}
