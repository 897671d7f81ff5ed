package io.shadowmq.broker.session;

import io.shadowmq.broker.routing.Delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Predicate;

/**
 * The outgoing QoS 1/2 state of one session: messages sent and not yet acknowledged, by packet id
 * in the order they were sent, and messages waiting for a place in that window. Every message has
 * a sequence number that orders it within the session; each change is told to the journal, which
 * makes it durable for persistent sessions. Confined to the session's event loop.
 */
final class Outbox {
  /** One message: queued (packetId 0), in flight, or released (PUBREC received, waiting for PUBCOMP). */
  static final class Entry {
    final Delivery delivery;
    final long seq;
    int packetId;
    boolean released;

    Entry(Delivery delivery, long seq, int packetId, boolean released) {
      this.delivery = delivery;
      this.seq = seq;
      this.packetId = packetId;
      this.released = released;
    }
  }

  /** Where the outbox's changes go to be stored; {@link #NONE} for sessions that end with their connection. */
  interface Journal {
    Journal NONE = new Journal() {
      @Override
      public void stored(Entry e, boolean isNew) {
      }

      @Override
      public void removed(Entry e) {
      }
    };

    void stored(Entry e, boolean isNew);

    void removed(Entry e);
  }

  // Created on first use: most sessions of a fleet never hold a QoS 1/2 message for long.
  private LinkedHashMap<Integer, Entry> inflight;
  private ArrayDeque<Entry> queue;
  private Journal journal = Journal.NONE;
  private int nextPacketId = 1;
  private long nextSeq = 1;
  /** Messages kept in the store and not read back yet (a session restored at start-up). */
  private long unloaded;

  /** Records every change of the outbox in the session journal (a persistent session). */
  void journalTo(SessionJournal sessions, String clientId) {
    this.journal = new Journal() {
      @Override
      public void stored(Entry e, boolean isNew) {
        sessions.saveMessage(clientId, new SessionJournal.Entry(e.seq, e.packetId, e.released, e.delivery), isNew);
      }

      @Override
      public void removed(Entry e) {
        sessions.deleteMessage(clientId, e.seq);
      }
    };
  }

  private LinkedHashMap<Integer, Entry> inflightMap() {
    if (inflight == null) {
      inflight = new LinkedHashMap<>();
    }
    return inflight;
  }

  private ArrayDeque<Entry> queueDeque() {
    if (queue == null) {
      queue = new ArrayDeque<>(4);
    }
    return queue;
  }

  int inflightCount() {
    return inflight == null ? 0 : inflight.size();
  }

  int queuedCount() {
    return queue == null ? 0 : queue.size();
  }

  boolean hasQueued() {
    return queue != null && !queue.isEmpty();
  }

  long unloaded() {
    return unloaded;
  }

  /** After a restore: messages still in the store, and where new sequence numbers start. */
  void restored(long unloadedMessages, long lastSeq) {
    this.unloaded = unloadedMessages;
    this.nextSeq = Math.max(nextSeq, lastSeq + 1);
  }

  /** Puts messages read back from the store in front of what arrived since, in their order. */
  void load(List<SessionJournal.Entry> read) {
    List<Entry> stored = new ArrayList<>(read.size());
    for (SessionJournal.Entry e : read) {
      stored.add(new Entry(e.delivery(), e.seq(), e.packetId(), e.released()));
    }
    List<Entry> queuedBefore = queue == null ? List.of() : new ArrayList<>(queue);
    queueDeque().clear();
    for (Entry e : stored) {
      if (e.packetId != 0) {
        inflightMap().put(e.packetId, e);
      } else {
        queue.addLast(e);
      }
    }
    queue.addAll(queuedBefore);
    unloaded = 0;
  }

  /** The next free packet id, 1..65535, skipping ids still in flight. */
  private int allocatePacketId() {
    while (true) {
      int id = nextPacketId;
      nextPacketId = id == 65_535 ? 1 : id + 1;
      if (inflight == null || !inflight.containsKey(id)) {
        return id;
      }
    }
  }

  /** Sends a new message straight away: it takes a sequence number and a packet id. */
  Entry startFlight(Delivery d) {
    Entry e = new Entry(d, nextSeq++, allocatePacketId(), false);
    inflightMap().put(e.packetId, e);
    journal.stored(e, true);
    return e;
  }

  /** Moves a queued message into the window. */
  Entry startFlight(Entry queued) {
    queued.packetId = allocatePacketId();
    inflightMap().put(queued.packetId, queued);
    journal.stored(queued, false);
    return queued;
  }

  Entry get(int packetId) {
    return inflight == null ? null : inflight.get(packetId);
  }

  void release(Entry e) {
    e.released = true;
    journal.stored(e, false);
  }

  Entry remove(int packetId) {
    Entry e = inflight == null ? null : inflight.remove(packetId);
    if (e != null) {
      journal.removed(e);
    }
    return e;
  }

  /** A snapshot of the messages in flight, in the order they were first sent. */
  List<Entry> inflight() {
    return inflight == null ? List.of() : new ArrayList<>(inflight.values());
  }

  /**
   * Queues a message; when the queue is full, drops the oldest queued one or refuses the new one, as
   * configured (the new one always, while older messages are still unread in the store). Returns the
   * dropped delivery, or null.
   */
  Delivery enqueue(Delivery d, int max, boolean dropOldest) {
    if (queuedCount() + unloaded >= max) {
      if (!dropOldest || !hasQueued() || unloaded > 0) {
        return d;
      }
      Entry dropped = queue.pollFirst();
      journal.removed(dropped);
      add(d);
      return dropped.delivery;
    }
    add(d);
    return null;
  }

  private void add(Delivery d) {
    Entry e = new Entry(d, nextSeq++, 0, false);
    queueDeque().addLast(e);
    journal.stored(e, true);
  }

  /** Takes the next queued message; it stays stored until it is sent or dropped. */
  Entry poll() {
    return queue == null ? null : queue.pollFirst();
  }

  /** A queued message that expired before it could be sent. */
  void discard(Entry e) {
    journal.removed(e);
  }

  /**
   * Removes and returns the queued messages and the QoS 1 messages in flight that match (shared-group
   * ones). A QoS 2 message once sent stays: it is completed with this session or not at all
   * (MQTT-4.8.2-4, MQTT-4.8.2-5), so the receiver cannot get it twice.
   */
  List<Delivery> takeUnacknowledged(Predicate<Delivery> which) {
    List<Delivery> out = new ArrayList<>();
    for (Iterator<Entry> it = inflightMap().values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.delivery.qos() == 1 && which.test(e.delivery)) {
        out.add(e.delivery);
        it.remove();
        journal.removed(e);
      }
    }
    for (Iterator<Entry> it = queueDeque().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (which.test(e.delivery)) {
        out.add(e.delivery);
        it.remove();
        journal.removed(e);
      }
    }
    return out;
  }

  void clear() {
    if (inflight != null) {
      for (Entry e : inflight.values()) {
        journal.removed(e);
      }
    }
    if (queue != null) {
      for (Entry e : queue) {
        journal.removed(e);
      }
    }
    inflight = null;
    queue = null;
    unloaded = 0;
  }
}
