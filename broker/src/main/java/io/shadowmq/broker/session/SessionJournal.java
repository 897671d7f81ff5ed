package io.shadowmq.broker.session;

import io.shadowmq.broker.routing.Delivery;
import io.shadowmq.broker.routing.Subscription;
import io.vertx.core.Future;

import java.util.List;

/**
 * Where persistent sessions record their changes to survive a restart (written behind, so calls
 * return at once), and where a restored session's messages are read back. Sessions that end with
 * their connection record nothing.
 */
public interface SessionJournal {
  /** A journal that keeps nothing: sessions live in memory only. */
  SessionJournal NONE = new SessionJournal() {
    @Override
    public void saveSession(String clientId, long expirySeconds, long expiresAtMillis) {
    }

    @Override
    public void deleteSession(String clientId) {
    }

    @Override
    public void saveSubscription(String clientId, Subscription subscription) {
    }

    @Override
    public void deleteSubscription(String clientId, String filter) {
    }

    @Override
    public void saveMessage(String clientId, Entry entry, boolean isNew) {
    }

    @Override
    public void deleteMessage(String clientId, long seq) {
    }

    @Override
    public void saveAwaitingRelease(String clientId, int packetId) {
    }

    @Override
    public void deleteAwaitingRelease(String clientId, int packetId) {
    }

    @Override
    public Future<List<Entry>> loadMessages(String clientId) {
      return Future.succeededFuture(List.of());
    }
  };

  /** A stored outgoing message: queued (packetId 0), in flight, or released. */
  record Entry(long seq, int packetId, boolean released, Delivery delivery) {
  }

  /** {@code expiresAtMillis}: when the offline session expires; 0 while connected or never expiring. */
  void saveSession(String clientId, long expirySeconds, long expiresAtMillis);

  void deleteSession(String clientId);

  void saveSubscription(String clientId, Subscription subscription);

  void deleteSubscription(String clientId, String filter);

  void saveMessage(String clientId, Entry entry, boolean isNew);

  void deleteMessage(String clientId, long seq);

  void saveAwaitingRelease(String clientId, int packetId);

  void deleteAwaitingRelease(String clientId, int packetId);

  /** The stored messages of a restored session, in order; completes on any thread. */
  Future<List<Entry>> loadMessages(String clientId);
}
