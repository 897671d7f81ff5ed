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
 * in the order they were sent, and messages waiting for a place in that window. Confined to the
 * session's event loop.
 */
final class Outbox {
  /** A message in flight: sent, waiting for PUBACK/PUBREC; or released, waiting for PUBCOMP. */
  static final class InFlight {
    final Delivery delivery;
    final int packetId;
    boolean released;

    InFlight(Delivery delivery, int packetId) {
      this.delivery = delivery;
      this.packetId = packetId;
    }
  }

  private final LinkedHashMap<Integer, InFlight> inflight = new LinkedHashMap<>();
  private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
  private int nextPacketId = 1;

  int inflightCount() {
    return inflight.size();
  }

  int queuedCount() {
    return queue.size();
  }

  boolean hasQueued() {
    return !queue.isEmpty();
  }

  /** The next free packet id, 1..65535, skipping ids still in flight. */
  private int allocatePacketId() {
    while (true) {
      int id = nextPacketId;
      nextPacketId = id == 65_535 ? 1 : id + 1;
      if (!inflight.containsKey(id)) {
        return id;
      }
    }
  }

  InFlight startFlight(Delivery d) {
    InFlight f = new InFlight(d, allocatePacketId());
    inflight.put(f.packetId, f);
    return f;
  }

  InFlight get(int packetId) {
    return inflight.get(packetId);
  }

  InFlight remove(int packetId) {
    return inflight.remove(packetId);
  }

  /** A snapshot of the messages in flight, in the order they were first sent. */
  List<InFlight> inflight() {
    return new ArrayList<>(inflight.values());
  }

  /**
   * Queues a message; when the queue is full, drops the oldest queued one (returned) or refuses the
   * new one (returned itself), as configured. Returns null when nothing was dropped.
   */
  Delivery enqueue(Delivery d, int max, boolean dropOldest) {
    if (queue.size() < max) {
      queue.addLast(d);
      return null;
    }
    if (!dropOldest || queue.isEmpty()) {
      return d;
    }
    Delivery dropped = queue.pollFirst();
    queue.addLast(d);
    return dropped;
  }

  Delivery poll() {
    return queue.pollFirst();
  }

  /** Removes and returns the queued and not-yet-acknowledged messages that match (shared-group ones). */
  List<Delivery> takeUnacknowledged(Predicate<Delivery> which) {
    List<Delivery> out = new ArrayList<>();
    for (Iterator<InFlight> it = inflight.values().iterator(); it.hasNext(); ) {
      InFlight f = it.next();
      if (!f.released && which.test(f.delivery)) {
        out.add(f.delivery);
        it.remove();
      }
    }
    for (Iterator<Delivery> it = queue.iterator(); it.hasNext(); ) {
      Delivery d = it.next();
      if (which.test(d)) {
        out.add(d);
        it.remove();
      }
    }
    return out;
  }

  void clear() {
    inflight.clear();
    queue.clear();
  }
}
