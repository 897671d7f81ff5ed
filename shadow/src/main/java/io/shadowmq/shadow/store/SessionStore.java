package io.shadowmq.shadow.store;

import io.vertx.core.Future;

import java.util.List;
import java.util.function.Consumer;

/**
 * Durable persistent sessions. Changes are written behind, at most about a second late, and
 * coalesced: a message queued and acknowledged between two writes never reaches the database.
 * Every change returns false when the write queue is full (the database is down or too slow); the
 * session then lives on in memory and the change is counted as refused.
 */
public interface SessionStore {

  /** Creates or updates the session row; {@code expiresAtMillis} 0 while connected or never expiring. */
  boolean saveSession(String clientId, long expirySeconds, long expiresAtMillis);

  /** Deletes the session with everything it holds, also what is only in the database. */
  boolean deleteSession(String clientId);

  boolean saveSubscription(String clientId, StoredSubscription subscription);

  boolean deleteSubscription(String clientId, String filter);

  /** Stores a message of the session; {@code isNew} when it was never stored before. */
  boolean saveMessage(String clientId, StoredSessionMessage message, boolean isNew);

  boolean deleteMessage(String clientId, long seq);

  boolean saveAwaitingRelease(String clientId, int packetId);

  boolean deleteAwaitingRelease(String clientId, int packetId);

  /** Reads every unexpired session (expired ones are deleted), in pages, into the sink. */
  Future<Long> loadSessions(Consumer<StoredSession> sink);

  /** The stored messages of one session, in sequence order (when its client reconnects). */
  Future<List<StoredSessionMessage>> loadMessages(String clientId);

  Future<Void> flush();

  Future<Void> drain();

  /** True while writes fail (the database is unreachable). */
  boolean isFailing();
}
