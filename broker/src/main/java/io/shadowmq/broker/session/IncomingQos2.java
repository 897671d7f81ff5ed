package io.shadowmq.broker.session;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The packet ids of QoS 2 messages a client sent that were delivered and not yet released by its
 * PUBREL. A PUBLISH that arrives again with one of them is a resend: acknowledged, never delivered
 * twice. Kept with the session (and stored with a persistent one), so it holds across reconnects.
 */
public final class IncomingQos2 {
  private final String clientId;
  private final SessionJournal journal;
  private Set<Integer> ids;

  IncomingQos2(String clientId, SessionJournal journal) {
    this.clientId = clientId;
    this.journal = journal;
  }

  /** Records a packet id; false when it is already there (a resend). */
  public boolean received(int packetId) {
    if (ids == null) {
      ids = new HashSet<>(4);
    }
    if (!ids.add(packetId)) {
      return false;
    }
    journal.saveAwaitingRelease(clientId, packetId);
    return true;
  }

  /** Releases a packet id (PUBREL); false when it was not known. */
  public boolean released(int packetId) {
    if (ids == null || !ids.remove(packetId)) {
      return false;
    }
    journal.deleteAwaitingRelease(clientId, packetId);
    return true;
  }

  public boolean contains(int packetId) {
    return ids != null && ids.contains(packetId);
  }

  public int count() {
    return ids == null ? 0 : ids.size();
  }

  void restore(List<Integer> stored) {
    if (!stored.isEmpty()) {
      ids = new HashSet<>(stored);
    }
  }

  /** Forgets every id, and tells the journal (the session ends). */
  void clear() {
    if (ids != null) {
      for (int packetId : ids) {
        journal.deleteAwaitingRelease(clientId, packetId);
      }
      ids = null;
    }
  }
}
