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

/** What every {@link SessionStore} must do; run against each implementation. */
@Timeout(60)
abstract class SessionStoreContract {
  protected Vertx vertx = Vertx.vertx();
  protected SimpleMeterRegistry registry = new SimpleMeterRegistry();
  protected SessionStore store;

  protected abstract SessionStore open() throws Exception;

  /** Another store on the same data, as after a restart. */
  protected abstract SessionStore reopen() throws Exception;

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

  static StoredSessionMessage message(long seq, int packetId, String payload) {
    StoredMessage m = new StoredMessage("t/" + seq, payload.getBytes(StandardCharsets.UTF_8), 1, false, new byte[] {9}, 0, null);
    return new StoredSessionMessage(seq, packetId, false, m, new int[] {4, 5}, null, null);
  }

  List<StoredSession> sessions(SessionStore s) throws Exception {
    List<StoredSession> out = new ArrayList<>();
    s.loadSessions(out::add).await(10, TimeUnit.SECONDS);
    return out;
  }

  @Test
  void aSessionWithSubscriptionsMessagesAndQos2IdsIsReadBack() throws Exception {
    store.saveSession("dev-1", 3600, 0);
    store.saveSubscription("dev-1", new StoredSubscription("a/+", 1, false, true, 1, 7));
    store.saveSubscription("dev-1", new StoredSubscription("$share/g/b/#", 2, false, false, 0, 0));
    store.saveMessage("dev-1", message(1, 0, "first"), true);
    store.saveMessage("dev-1", message(2, 17, "second"), true);
    store.saveAwaitingRelease("dev-1", 42);
    store.flush().await(10, TimeUnit.SECONDS);

    SessionStore after = reopen();
    List<StoredSession> all = sessions(after);
    assertThat(all).hasSize(1);
    StoredSession s = all.get(0);
    assertThat(s.clientId()).isEqualTo("dev-1");
    assertThat(s.expirySeconds()).isEqualTo(3600);
    assertThat(s.subscriptions()).containsExactlyInAnyOrder(
        new StoredSubscription("a/+", 1, false, true, 1, 7), new StoredSubscription("$share/g/b/#", 2, false, false, 0, 0));
    assertThat(s.messageCount()).isEqualTo(2);
    assertThat(s.lastSeq()).isEqualTo(2);
    assertThat(s.awaitingRelease()).containsExactly(42);

    List<StoredSessionMessage> messages = after.loadMessages("dev-1").await(10, TimeUnit.SECONDS);
    assertThat(messages).extracting(StoredSessionMessage::seq).containsExactly(1L, 2L);
    assertThat(messages.get(1).packetId()).isEqualTo(17);
    assertThat(new String(messages.get(1).message().payload(), StandardCharsets.UTF_8)).isEqualTo("second");
    assertThat(messages.get(1).subscriptionIds()).containsExactly(4, 5);
    assertThat(messages.get(1).message().properties()).containsExactly(9);
  }

  @Test
  void aMessageQueuedAndAcknowledgedBetweenTwoWritesNeverReachesTheDatabase() throws Exception {
    store.saveSession("dev-2", 60, 0);
    store.flush().await(10, TimeUnit.SECONDS);
    store.saveMessage("dev-2", message(1, 0, "x"), true);
    store.saveMessage("dev-2", message(1, 5, "x"), false); // sent
    store.deleteMessage("dev-2", 1); // acknowledged
    store.flush().await(10, TimeUnit.SECONDS);
    assertThat(reopen().loadMessages("dev-2").await(10, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void deletingASessionDeletesWhatItHeldAndANewOneStartsEmpty() throws Exception {
    store.saveSession("dev-3", 60, 0);
    store.saveSubscription("dev-3", new StoredSubscription("old", 1, false, false, 0, 0));
    store.saveMessage("dev-3", message(1, 0, "old"), true);
    store.flush().await(10, TimeUnit.SECONDS);

    // Clean start: the old session ends and a new one begins before the next write.
    store.deleteSession("dev-3");
    store.saveSession("dev-3", 120, 0);
    store.saveSubscription("dev-3", new StoredSubscription("new", 0, false, false, 0, 0));
    store.flush().await(10, TimeUnit.SECONDS);

    SessionStore after = reopen();
    List<StoredSession> all = sessions(after);
    assertThat(all).hasSize(1);
    assertThat(all.get(0).expirySeconds()).isEqualTo(120);
    assertThat(all.get(0).subscriptions()).extracting(StoredSubscription::filter).containsExactly("new");
    assertThat(after.loadMessages("dev-3").await(10, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void expiredSessionsAreDeletedAtLoadAndSessionsStoppedWhileConnectedStartTheirExpiry() throws Exception {
    store.saveSession("expired", 10, System.currentTimeMillis() - 1000);
    store.saveSession("offline", 10, System.currentTimeMillis() + 60_000);
    store.saveSession("was-connected", 30, 0);
    store.saveSession("forever", 0xFFFF_FFFFL, 0);
    store.flush().await(10, TimeUnit.SECONDS);

    long before = System.currentTimeMillis();
    List<StoredSession> all = sessions(reopen());
    assertThat(all).extracting(StoredSession::clientId).containsExactlyInAnyOrder("offline", "was-connected", "forever");
    StoredSession wasConnected = all.stream().filter(s -> s.clientId().equals("was-connected")).findFirst().orElseThrow();
    assertThat(wasConnected.expiresAtMillis()).isBetween(before + 29_000, System.currentTimeMillis() + 30_000);
    assertThat(all.stream().filter(s -> s.clientId().equals("forever")).findFirst().orElseThrow().expiresAtMillis()).isZero();
  }

  @Test
  void rowsLeftWithoutTheirSessionAreRemovedWhenSessionsAreLoaded() throws Exception {
    store.saveSession("short", 60, 0);
    store.saveMessage("short", message(1, 0, "x"), true);
    store.saveSubscription("short", new StoredSubscription("s", 1, false, false, 0, 0));
    store.deleteSession("short");
    store.flush().await(10, TimeUnit.SECONDS); // must not fail on the missing session row
    assertThat(store.isFailing()).isFalse();
    SessionStore after = reopen();
    assertThat(sessions(after)).isEmpty();
    assertThat(after.loadMessages("short").await(10, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void aSubscriptionWrittenBeforeItsSessionIsKept() throws Exception {
    // A flush can take a session's subscription and miss the session row, written in the next flush.
    store.saveSubscription("late", new StoredSubscription("x/#", 1, false, false, 0, 0));
    store.flush().await(10, TimeUnit.SECONDS);
    store.saveSession("late", 60, 0);
    store.flush().await(10, TimeUnit.SECONDS);
    assertThat(sessions(reopen())).singleElement()
        .satisfies(s -> assertThat(s.subscriptions()).extracting(StoredSubscription::filter).containsExactly("x/#"));
  }

  @Test
  void manySessionsAreReadBackAcrossPages() throws Exception {
    for (int i = 0; i < 2300; i++) {
      store.saveSession(String.format("fleet-%05d", i), 3600, 0);
      store.saveSubscription(String.format("fleet-%05d", i), new StoredSubscription("devices/" + i + "/#", 1, false, false, 0, 0));
    }
    store.drain().await(30, TimeUnit.SECONDS);
    List<StoredSession> all = sessions(reopen());
    assertThat(all).hasSize(2300);
    assertThat(all).allSatisfy(s -> assertThat(s.subscriptions()).hasSize(1));
  }
}
