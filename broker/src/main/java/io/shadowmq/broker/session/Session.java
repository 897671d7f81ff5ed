package io.shadowmq.broker.session;

import io.shadowmq.broker.codec.ReasonCode;
import io.shadowmq.broker.loop.BrokerLoop;
import io.shadowmq.broker.metrics.BrokerMetrics.Drop;
import io.shadowmq.broker.routing.Delivery;
import io.shadowmq.broker.routing.Message;
import io.shadowmq.broker.routing.Subscriber;
import io.shadowmq.broker.routing.Subscription;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The state the broker keeps for one client id, connected or not: subscriptions, messages in
 * flight and queued, QoS 2 packet ids awaiting release, expiry and a delayed will.
 *
 * <p>Threading: a session belongs to one event loop at a time, its owner: the loop of the
 * connection it is attached to, or of its last connection while offline. Its state is touched
 * only there. Other loops reach it only through {@link #post}, which pushes onto a lock-free inbox
 * that the owner drains; so every message for a session passes one FIFO per sender, and moving a
 * session to another loop on reconnect cannot reorder what one publisher sent.
 */
public final class Session implements Subscriber {
  private static final VarHandle INBOX;
  private static final VarHandle DRAIN_SCHEDULED;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      INBOX = l.findVarHandle(Session.class, "inbox", InboxNode.class);
      DRAIN_SCHEDULED = l.findVarHandle(Session.class, "drainScheduled", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A Treiber stack node: producers push, the owner takes the whole stack and reverses it. */
  private static final class InboxNode {
    final Delivery delivery;
    final InboxNode next;

    InboxNode(Delivery delivery, InboxNode next) {
      this.delivery = delivery;
      this.next = next;
    }
  }

  private final String clientId;
  private final SessionRegistry registry;
  private final Runnable drainTask = this::drainInbox;
  private final SessionJournal journal;

  // Read from any thread.
  private volatile BrokerLoop owner;
  private volatile boolean inTransit;
  private volatile boolean online;
  private volatile boolean ended;
  @SuppressWarnings("unused") // through INBOX
  private volatile InboxNode inbox;
  @SuppressWarnings("unused") // through DRAIN_SCHEDULED
  private volatile int drainScheduled;

  // Owner loop only.
  private ClientLink link;
  private long expirySeconds;
  private final Map<String, Subscription> subscriptions = new HashMap<>(4);
  private final Outbox outbox = new Outbox();
  private Set<Integer> awaitingRelease;
  private ScheduledFuture<?> expiryTimer;
  private Message pendingWill;
  private long pendingWillDueNanos;
  private ScheduledFuture<?> willTimer;

  Session(String clientId, BrokerLoop owner, SessionRegistry registry, long expirySeconds) {
    this(clientId, owner, registry, expirySeconds, true);
  }

  /** @param record whether to record the new session (false: it is being read back from storage) */
  Session(String clientId, BrokerLoop owner, SessionRegistry registry, long expirySeconds, boolean record) {
    this.clientId = clientId;
    this.owner = owner;
    this.registry = registry;
    this.expirySeconds = expirySeconds;
    // A session that outlives its connection is journalled from its first change to its end.
    this.journal = expirySeconds > 0 ? registry.journal() : SessionJournal.NONE;
    if (journal != SessionJournal.NONE) {
      SessionJournal j = journal;
      outbox.journal(new Outbox.Journal() {
        @Override
        public void stored(Outbox.Entry e, boolean isNew) {
          j.saveMessage(clientId, new SessionJournal.Entry(e.seq, e.packetId, e.released, e.delivery), isNew);
        }

        @Override
        public void removed(Outbox.Entry e) {
          j.deleteMessage(clientId, e.seq);
        }
      });
      if (record) {
        journal.saveSession(clientId, expirySeconds, 0);
      }
    }
  }

  /** Whether the session is kept in storage (it was created with a session expiry above 0). */
  public boolean isPersistent() {
    return journal != SessionJournal.NONE;
  }

  @Override
  public String clientId() {
    return clientId;
  }

  @Override
  public boolean isOnline() {
    return online;
  }

  @Override
  public boolean isEnded() {
    return ended;
  }

  public BrokerLoop owner() {
    return owner;
  }

  boolean inTransit() {
    return inTransit;
  }

  // ---- delivery, from any thread -------------------------------------------------------------

  @Override
  public void post(Delivery delivery) {
    BrokerLoop current = BrokerLoop.current();
    if (current != null && current == owner && !inTransit && INBOX.getVolatile(this) == null) {
      deliver(delivery);
      return;
    }
    InboxNode head;
    do {
      head = (InboxNode) INBOX.getVolatile(this);
    } while (!INBOX.compareAndSet(this, head, new InboxNode(delivery, head)));
    if (DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
      BrokerLoop target = owner;
      if (current != null) {
        current.handover(target, drainTask);
      } else {
        target.execute(drainTask);
      }
    }
  }

  /** Drains the inbox on the owner loop; a request that reaches a former owner is passed on. */
  private void drainInbox() {
    BrokerLoop me = owner;
    if (!me.inLoop()) {
      me.execute(drainTask);
      return;
    }
    if (inTransit) {
      return; // the loop taking the session over drains when it arrives
    }
    DRAIN_SCHEDULED.setVolatile(this, 0);
    InboxNode stack = (InboxNode) INBOX.getAndSet(this, null);
    if (stack == null) {
      return;
    }
    InboxNode reversed = null;
    for (InboxNode n = stack; n != null; n = n.next) {
      reversed = new InboxNode(n.delivery, reversed);
    }
    for (InboxNode n = reversed; n != null; n = n.next) {
      deliver(n.delivery);
    }
  }

  /** Delivers a retained message to a new subscription; on the owner loop. */
  public void deliverRetained(Delivery d) {
    deliver(d);
  }

  /** Delivers on the owner loop: sends now, queues, or drops, as the connection and limits allow. */
  private void deliver(Delivery d) {
    if (ended) {
      return;
    }
    Message m = d.message();
    if (m.isExpired(System.currentTimeMillis())) {
      registry.metrics().dropped(Drop.EXPIRED);
      return;
    }
    // A connection that is closing (DISCONNECT sent, socket not yet gone) counts as offline:
    // nothing may follow a DISCONNECT on the wire (MQTT-3.14.4-1).
    ClientLink l = link != null && link.isOpen() ? link : null;
    if (d.qos() == 0) {
      if (l == null) {
        registry.metrics().dropped(Drop.QOS0_OFFLINE);
      } else if (!l.isWritable()) {
        registry.metrics().dropped(Drop.SLOW_CONSUMER);
      } else if (l.sendPublish(d, 0, false)) {
        registry.metrics().sent();
      } else {
        registry.metrics().dropped(Drop.TOO_LARGE_FOR_CLIENT);
      }
      return;
    }
    if (l != null && !outbox.hasQueued() && outbox.inflightCount() < window(l) && l.isWritable()) {
      send(l, d);
    } else {
      enqueue(d);
    }
  }

  private int window(ClientLink l) {
    return Math.min(registry.settings().maxInflight(), l.receiveMaximum());
  }

  private void send(ClientLink l, Delivery d) {
    sent(l, outbox.startFlight(d));
  }

  private void sent(ClientLink l, Outbox.Entry e) {
    if (l.sendPublish(e.delivery, e.packetId, false)) {
      registry.metrics().sent();
    } else {
      outbox.remove(e.packetId);
      registry.metrics().dropped(Drop.TOO_LARGE_FOR_CLIENT);
    }
  }

  private void enqueue(Delivery d) {
    Delivery dropped = outbox.enqueue(d, registry.settings().maxQueuedMessages(), registry.settings().dropOldest());
    if (dropped != null) {
      registry.metrics().dropped(Drop.QUEUE_FULL);
      SessionRegistry.LOG.debug("queue of {} is full: dropped a message on {}", clientId, dropped.message().topic());
    }
  }

  /** Sends queued messages while the window and the connection allow. */
  public void drainQueue() {
    ClientLink l = link;
    if (l == null || !l.isOpen()) {
      return;
    }
    long now = System.currentTimeMillis();
    while (outbox.hasQueued() && outbox.inflightCount() < window(l) && l.isWritable()) {
      Outbox.Entry e = outbox.poll();
      if (e.delivery.message().isExpired(now)) {
        outbox.discard(e);
        registry.metrics().dropped(Drop.EXPIRED);
        continue;
      }
      sent(l, outbox.startFlight(e));
    }
  }

  // ---- acknowledgements from the client, on the owner loop -------------------------------------

  public void onPubAck(int packetId) {
    Outbox.Entry f = outbox.get(packetId);
    if (f != null && !f.released) {
      outbox.remove(packetId);
      drainQueue();
    }
  }

  /** Returns the reason code for the PUBREL to send, or -1 when there is nothing to release. */
  public int onPubRec(int packetId, int reasonCode) {
    Outbox.Entry f = outbox.get(packetId);
    if (f == null) {
      return ReasonCode.PACKET_IDENTIFIER_NOT_FOUND;
    }
    if (ReasonCode.isError(reasonCode)) {
      outbox.remove(packetId); // the receiver refused it: the flow ends here (MQTT-4.3.3)
      drainQueue();
      return -1;
    }
    if (!f.released) {
      outbox.release(f);
    }
    return ReasonCode.SUCCESS;
  }

  public void onPubComp(int packetId) {
    Outbox.Entry f = outbox.get(packetId);
    if (f != null && f.released) {
      outbox.remove(packetId);
      drainQueue();
    }
  }

  /** Records an incoming QoS 2 packet id; false when it is already there (a duplicate). */
  public boolean markAwaitingRelease(int packetId) {
    if (awaitingRelease == null) {
      awaitingRelease = new HashSet<>(4);
    }
    if (!awaitingRelease.add(packetId)) {
      return false;
    }
    journal.saveAwaitingRelease(clientId, packetId);
    return true;
  }

  /** Releases an incoming QoS 2 packet id; false when it was not known. */
  public boolean release(int packetId) {
    if (awaitingRelease == null || !awaitingRelease.remove(packetId)) {
      return false;
    }
    journal.deleteAwaitingRelease(clientId, packetId);
    return true;
  }

  public boolean isAwaitingRelease(int packetId) {
    return awaitingRelease != null && awaitingRelease.contains(packetId);
  }

  public int awaitingReleaseCount() {
    return awaitingRelease == null ? 0 : awaitingRelease.size();
  }

  public int inflightCount() {
    return outbox.inflightCount();
  }

  public int queuedCount() {
    return outbox.queuedCount();
  }

  // ---- subscriptions, on the owner loop --------------------------------------------------------

  public Subscription subscription(String filter) {
    return subscriptions.get(filter);
  }

  public int subscriptionCount() {
    return subscriptions.size();
  }

  public Collection<Subscription> subscriptions() {
    return subscriptions.values();
  }

  /** Adds or replaces a subscription; returns the one replaced, or null. */
  public Subscription subscribe(Subscription sub) {
    Subscription old = subscriptions.put(sub.filter(), sub);
    registry.router().tree().subscribe(sub);
    journal.saveSubscription(clientId, sub);
    return old;
  }

  public boolean unsubscribe(String filter) {
    Subscription old = subscriptions.remove(filter);
    if (old == null) {
      return false;
    }
    registry.router().tree().unsubscribe(this, old.topicFilter(), old.shareGroup());
    journal.deleteSubscription(clientId, filter);
    if (old.isShared()) {
      redistribute(d -> d.group() != null && d.group().name().equals(old.shareGroup())
          && d.group().topicFilter().equals(old.topicFilter()), false);
    }
    return true;
  }

  // ---- connection lifecycle, on the owner loop -------------------------------------------------

  public long expirySeconds() {
    return expirySeconds;
  }

  public void expirySeconds(long seconds) {
    this.expirySeconds = seconds;
    journal.saveSession(clientId, seconds, 0);
  }

  /**
   * Attaches a connection that has just been sent its CONNACK: cancels expiry and a delayed will,
   * resends what is in flight (PUBLISH with DUP, or PUBREL), then sends what is queued.
   */
  public void attach(ClientLink newLink) {
    link = newLink;
    online = true;
    cancel(expiryTimer);
    expiryTimer = null;
    if (pendingWill != null) {
      cancel(willTimer);
      willTimer = null;
      pendingWill = null; // MQTT-3.1.3-9: reconnected before the will delay elapsed
    }
    if (isPersistent()) {
      journal.saveSession(clientId, expirySeconds, 0);
    }
    for (Outbox.Entry f : outbox.inflight()) {
      if (f.released) {
        newLink.sendPubRel(f.packetId);
      } else if (newLink.sendPublish(f.delivery, f.packetId, true)) {
        registry.metrics().sent();
      } else {
        outbox.remove(f.packetId); // too large for this connection's Maximum Packet Size
        registry.metrics().dropped(Drop.TOO_LARGE_FOR_CLIENT);
      }
    }
    drainQueue();
  }

  /**
   * Detaches the connection that went away. The will, if the connection leaves one, is published
   * now or after its delay; the session expires after its expiry interval, or ends now.
   */
  public void detach(ClientLink oldLink, Message will, long willDelaySeconds) {
    if (link != oldLink || oldLink == null) {
      return;
    }
    link = null;
    online = false;
    // Shared-group messages this member has queued or in flight at QoS 1 go to a connected member, if any.
    redistribute(d -> d.group() != null, true);
    if (will != null) {
      if (willDelaySeconds <= 0 || expirySeconds == 0) {
        registry.publishWill(will);
      } else {
        pendingWill = will;
        pendingWillDueNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.min(willDelaySeconds, expirySeconds));
      }
    }
    startOfflineTimers();
  }

  /** A connection that opened the session but closed before its CONNACK: the session stays offline. */
  public void abandon() {
    if (link == null && !ended) {
      startOfflineTimers();
    }
  }

  private void startOfflineTimers() {
    if (expirySeconds > 0 && expirySeconds < 0xFFFF_FFFFL) {
      journal.saveSession(clientId, expirySeconds, System.currentTimeMillis() + expirySeconds * 1000);
    }
    if (pendingWill != null && willTimer == null) {
      long delay = Math.max(0, pendingWillDueNanos - System.nanoTime());
      willTimer = owner.schedule(this::publishPendingWill, delay, TimeUnit.NANOSECONDS);
    }
    if (expirySeconds == 0) {
      end();
    } else if (expiryTimer == null && expirySeconds < 0xFFFF_FFFFL) {
      expiryTimer = owner.schedule(this::expire, expirySeconds, TimeUnit.SECONDS);
    }
  }

  private void publishPendingWill() {
    Message will = pendingWill;
    pendingWill = null;
    willTimer = null;
    if (will != null) {
      registry.publishWill(will);
    }
  }

  private void expire() {
    expiryTimer = null;
    if (link == null && !ended) {
      end();
    }
  }

  /** Ends the session: subscriptions go, a pending will is published, the registry forgets it. */
  public void end() {
    if (ended) {
      return;
    }
    cancel(expiryTimer);
    cancel(willTimer);
    expiryTimer = null;
    willTimer = null;
    for (Subscription s : subscriptions.values()) {
      registry.router().tree().unsubscribe(this, s.topicFilter(), s.shareGroup());
      journal.deleteSubscription(clientId, s.filter()); // so that no pending write outlives the session
    }
    if (awaitingRelease != null) {
      for (int packetId : awaitingRelease) {
        journal.deleteAwaitingRelease(clientId, packetId);
      }
      awaitingRelease = null;
    }
    subscriptions.clear();
    ended = true;
    redistribute(d -> d.group() != null, false);
    outbox.clear();
    journal.deleteSession(clientId);
    registry.removed(this);
    publishPendingWill();
  }

  /**
   * Gives the queued and QoS 1 in-flight shared-group messages that match to other members of their groups:
   * to connected members only while this session lives on, to any member once it ends.
   */
  private void redistribute(Predicate<Delivery> which, boolean onlineOnly) {
    List<Delivery> taken = outbox.takeUnacknowledged(d -> which.test(d) && d.group().hasMemberOtherThan(this, onlineOnly));
    for (Delivery d : taken) {
      if (!registry.router().redistribute(d, this)) {
        SessionRegistry.LOG.debug("no member of shared group {} left for a message of {}", d.group().name(), clientId);
      }
    }
  }

  /** Evicts the attached connection, if any (takeover by a new connection, or shutdown). */
  void evictLink(int reasonCode, String reason) {
    ClientLink l = link;
    if (l != null) {
      l.evict(reasonCode, reason);
    }
  }

  public boolean isAttached() {
    return link != null;
  }

  // ---- storage ---------------------------------------------------------------------------------

  /**
   * Rebuilds an offline session read back from storage: its subscriptions go into the tree, its
   * messages stay in the store until its client comes back. Runs before the node serves.
   */
  void restore(List<Subscription> subs, List<Integer> awaiting, long storedMessages, long lastSeq, long expiresAtMillis) {
    for (Subscription sub : subs) {
      subscriptions.put(sub.filter(), sub);
      registry.router().tree().subscribe(sub);
    }
    if (!awaiting.isEmpty()) {
      awaitingRelease = new HashSet<>(awaiting);
    }
    outbox.restored(storedMessages, lastSeq);
    if (expiresAtMillis > 0) {
      expiryTimer = owner.schedule(this::expire, Math.max(0, expiresAtMillis - System.currentTimeMillis()),
          TimeUnit.MILLISECONDS);
    }
  }

  /** Whether messages of this session are still only in the store. */
  boolean hasUnloadedMessages() {
    return outbox.unloaded() > 0;
  }

  /** Puts the stored messages, read back when the client reconnects, before what arrived since. */
  void loadStored(List<SessionJournal.Entry> stored) {
    List<Outbox.Entry> entries = new java.util.ArrayList<>(stored.size());
    for (SessionJournal.Entry e : stored) {
      entries.add(new Outbox.Entry(e.delivery(), e.seq(), e.packetId(), e.released()));
    }
    outbox.load(entries);
  }

  // ---- moving between loops --------------------------------------------------------------------

  /** Runs the task on the owner loop, following the session if it moves meanwhile. */
  void runOnOwner(Runnable task) {
    BrokerLoop o = owner;
    if (o.inLoop() && !inTransit) {
      task.run();
      return;
    }
    o.execute(() -> {
      if (owner != o || inTransit) {
        runOnOwner(task);
      } else {
        task.run();
      }
    });
  }

  /** Hands the session to another loop; called on the current owner. */
  void moveTo(BrokerLoop target, Runnable onArrival) {
    inTransit = true;
    owner = target;
    cancel(expiryTimer); // timers belong to the old loop; arrival attaches or re-arms them
    expiryTimer = null;
    ScheduledFuture<?> will = willTimer;
    willTimer = null;
    cancel(will);
    target.execute(() -> {
      inTransit = false;
      onArrival.run();
      drainInbox();
    });
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
