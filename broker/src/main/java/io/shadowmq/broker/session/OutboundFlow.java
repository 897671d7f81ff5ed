package io.shadowmq.broker.session;

import io.shadowmq.broker.codec.ReasonCode;
import io.shadowmq.broker.metrics.BrokerMetrics;
import io.shadowmq.broker.metrics.BrokerMetrics.Drop;
import io.shadowmq.broker.routing.Delivery;

/**
 * The outgoing message flow of one session: sends a delivery now, queues it, or drops it, as the
 * connection, the in-flight window (lowered to the client's Receive Maximum) and the queue bound
 * allow; follows PUBACK, PUBREC and PUBCOMP; resends what is in flight when a client comes back.
 * The link passed in is null while the client is offline. Owner loop only.
 */
final class OutboundFlow {
  private final Outbox outbox;
  private final SessionRegistry registry;
  private final String clientId;

  OutboundFlow(Outbox outbox, SessionRegistry registry, String clientId) {
    this.outbox = outbox;
    this.registry = registry;
    this.clientId = clientId;
  }

  private BrokerMetrics metrics() {
    return registry.metrics();
  }

  void deliver(ClientLink l, Delivery d) {
    if (d.message().isExpired(System.currentTimeMillis())) {
      metrics().dropped(Drop.EXPIRED);
      return;
    }
    if (d.qos() == 0) {
      if (l == null) {
        metrics().dropped(Drop.QOS0_OFFLINE);
      } else if (!l.isWritable()) {
        metrics().dropped(Drop.SLOW_CONSUMER);
      } else if (l.sendPublish(d, 0, false)) {
        metrics().sent(0);
      } else {
        metrics().dropped(Drop.TOO_LARGE_FOR_CLIENT);
      }
      return;
    }
    if (l != null && !outbox.hasQueued() && outbox.inflightCount() < window(l) && l.isWritable()) {
      sent(l, outbox.startFlight(d));
    } else {
      Delivery dropped = outbox.enqueue(d, registry.settings().maxQueuedMessages(), registry.settings().dropOldest());
      if (dropped != null) {
        metrics().dropped(Drop.QUEUE_FULL);
        SessionRegistry.LOG.debug("queue of {} is full: dropped a message on {}", clientId, dropped.message().topic());
      }
    }
  }

  private int window(ClientLink l) {
    return Math.min(registry.settings().maxInflight(), l.receiveMaximum());
  }

  private void sent(ClientLink l, Outbox.Entry e) {
    if (l.sendPublish(e.delivery, e.packetId, false)) {
      metrics().sent(e.delivery.qos());
    } else {
      outbox.remove(e.packetId);
      metrics().dropped(Drop.TOO_LARGE_FOR_CLIENT);
    }
  }

  /** Sends queued messages while the window and the connection allow. */
  void drain(ClientLink l) {
    if (l == null) {
      return;
    }
    long now = System.currentTimeMillis();
    while (outbox.hasQueued() && outbox.inflightCount() < window(l) && l.isWritable()) {
      Outbox.Entry e = outbox.poll();
      if (e.delivery.message().isExpired(now)) {
        outbox.discard(e);
        metrics().dropped(Drop.EXPIRED);
        continue;
      }
      sent(l, outbox.startFlight(e));
    }
  }

  /** A client is back: what is in flight goes again (PUBLISH with DUP, or PUBREL), then the queue. */
  void resend(ClientLink l) {
    for (Outbox.Entry f : outbox.inflight()) {
      if (f.released) {
        l.sendPubRel(f.packetId);
      } else if (l.sendPublish(f.delivery, f.packetId, true)) {
        metrics().sent(f.delivery.qos());
      } else {
        outbox.remove(f.packetId); // too large for this connection's Maximum Packet Size
        metrics().dropped(Drop.TOO_LARGE_FOR_CLIENT);
      }
    }
    drain(l);
  }

  void onPubAck(ClientLink l, int packetId) {
    Outbox.Entry f = outbox.get(packetId);
    if (f != null && !f.released) {
      outbox.remove(packetId);
      drain(l);
    }
  }

  /** Returns the reason code for the PUBREL to send, or -1 when there is nothing to release. */
  int onPubRec(ClientLink l, int packetId, int reasonCode) {
    Outbox.Entry f = outbox.get(packetId);
    if (f == null) {
      return ReasonCode.PACKET_IDENTIFIER_NOT_FOUND;
    }
    if (ReasonCode.isError(reasonCode)) {
      outbox.remove(packetId); // the receiver refused it: the flow ends here (MQTT-4.3.3)
      drain(l);
      return -1;
    }
    if (!f.released) {
      outbox.release(f);
    }
    return ReasonCode.SUCCESS;
  }

  void onPubComp(ClientLink l, int packetId) {
    Outbox.Entry f = outbox.get(packetId);
    if (f != null && f.released) {
      outbox.remove(packetId);
      drain(l);
    }
  }
}
