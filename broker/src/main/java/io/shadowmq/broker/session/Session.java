package io.shadowmq.broker.session;

import io.shadowmq.broker.loop.BrokerLoop;
import io.shadowmq.broker.routing.Delivery;
import io.shadowmq.broker.routing.Message;
import io.shadowmq.broker.routing.Subscriber;
import io.shadowmq.broker.routing.Subscription;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The state the broker keeps for one client id, connected or not: subscriptions, messages in
 * flight and queued, QoS 2 packet ids awaiting release, expiry and a delayed will.
 *
 * <p>Threading: a session belongs to one event loop at a time, its owner: the loop of the
 * connection it is attached to, or of its last connection while offline. Its state is touched
 * only there. Other loops reach it only through {@link #post} (see {@link SessionMailbox}).
 */
public final class Session implements Subscriber {
  private final String clientId;
  private final SessionRegistry registry;
  private final SessionJournal journal;
  private final SessionMailbox mailbox;

  // Read from any thread.
  private volatile boolean online;
  private volatile boolean ended;
  private volatile Attachment attachment;

  /**
   * The connection a session is attached to, as other threads may read it (the admin API).
   *
   * @param sinceMillis when the connection was attached (its CONNACK sent)
   */
  public record Attachment(String address, int protocolLevel, String listener, long sinceMillis) {
  }

  // Owner loop only.
  private ClientLink link;
  private long expirySeconds;
  private final Map<String, Subscription> subscriptions = new HashMap<>(4);
  private final Outbox outbox = new Outbox();
  private final OutboundFlow flow;
  private final IncomingQos2 incomingQos2;
  private ScheduledFuture<?> expiryTimer;
  private final PendingWill pendingWill;

  Session(String clientId, BrokerLoop owner, SessionRegistry registry, long expirySeconds) {
    this(clientId, owner, registry, expirySeconds, true);
  }

  /** @param record whether to record the new session (false: it is being read back from storage) */
  Session(String clientId, BrokerLoop owner, SessionRegistry registry, long expirySeconds, boolean record) {
    this.clientId = clientId;
    this.mailbox = new SessionMailbox(owner, this::deliver);
    this.registry = registry;
    this.flow = new OutboundFlow(outbox, registry, clientId);
    this.pendingWill = new PendingWill(registry::publishWill);
    this.incomingQos2 = new IncomingQos2(clientId, journal(registry, expirySeconds));
    this.expirySeconds = expirySeconds;
    // A session that outlives its connection is journalled from its first change to its end.
    this.journal = journal(registry, expirySeconds);
    if (journal != SessionJournal.NONE) {
      outbox.journalTo(journal, clientId);
      if (record) {
        journal.saveSession(clientId, expirySeconds, 0);
      }
    }
  }

  private static SessionJournal journal(SessionRegistry registry, long expirySeconds) {
    return expirySeconds > 0 ? registry.journal() : SessionJournal.NONE;
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
    return mailbox.owner();
  }

  boolean inTransit() {
    return mailbox.inTransit();
  }

  // ---- delivery, from any thread -------------------------------------------------------------

  @Override
  public void post(Delivery delivery) {
    mailbox.post(delivery);
  }

  /** Delivers a retained message to a new subscription; on the owner loop. */
  public void deliverRetained(Delivery d) {
    deliver(d);
  }

  /** Delivers on the owner loop: sends now, queues, or drops, as the connection and limits allow. */
  private void deliver(Delivery d) {
    if (!ended) {
      flow.deliver(liveLink(), d);
    }
  }

  /**
   * The attached connection, or null: a connection that is closing (DISCONNECT sent, socket not yet
   * gone) counts as offline, since nothing may follow a DISCONNECT on the wire (MQTT-3.14.4-1).
   */
  private ClientLink liveLink() {
    ClientLink l = link;
    return l != null && l.isOpen() ? l : null;
  }

  /** Sends queued messages while the window and the connection allow. */
  public void drainQueue() {
    flow.drain(liveLink());
  }

  // ---- acknowledgements from the client, on the owner loop -------------------------------------

  public void onPubAck(int packetId) {
    flow.onPubAck(liveLink(), packetId);
  }

  /** Returns the reason code for the PUBREL to send, or -1 when there is nothing to release. */
  public int onPubRec(int packetId, int reasonCode) {
    return flow.onPubRec(liveLink(), packetId, reasonCode);
  }

  public void onPubComp(int packetId) {
    flow.onPubComp(liveLink(), packetId);
  }

  /** The incoming QoS 2 packet ids awaiting release. */
  public IncomingQos2 incomingQos2() {
    return incomingQos2;
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
    attachment = new Attachment(newLink.remoteAddress(), newLink.protocolLevel(), newLink.listener(),
        System.currentTimeMillis());
    registry.attached(this);
    cancel(expiryTimer);
    expiryTimer = null;
    pendingWill.cancel(); // MQTT-3.1.3-9: reconnected before the will delay elapsed
    if (isPersistent()) {
      journal.saveSession(clientId, expirySeconds, 0);
    }
    flow.resend(newLink);
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
    attachment = null;
    registry.detached(this);
    // Shared-group messages this member has queued or in flight at QoS 1 go to a connected member, if any.
    redistribute(d -> d.group() != null, true);
    if (will != null) {
      if (willDelaySeconds <= 0 || expirySeconds == 0) {
        registry.publishWill(will);
      } else {
        pendingWill.hold(will, Math.min(willDelaySeconds, expirySeconds));
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
    pendingWill.arm(owner());
    if (expirySeconds == 0) {
      end();
    } else if (expiryTimer == null && expirySeconds < 0xFFFF_FFFFL) {
      expiryTimer = owner().schedule(this::expire, expirySeconds, TimeUnit.SECONDS);
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
    expiryTimer = null;
    for (Subscription s : subscriptions.values()) {
      registry.router().tree().unsubscribe(this, s.topicFilter(), s.shareGroup());
      journal.deleteSubscription(clientId, s.filter()); // so that no pending write outlives the session
    }
    incomingQos2.clear();
    subscriptions.clear();
    ended = true;
    redistribute(d -> d.group() != null, false);
    outbox.clear();
    journal.deleteSession(clientId);
    registry.removed(this);
    pendingWill.publishNow();
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

  /** The attached connection, or null while offline; readable from any thread. */
  public Attachment attachment() {
    return attachment;
  }

  /**
   * Sends a message to this session's client alone, bypassing the router (a direct method request):
   * at the QoS of the client's first non-shared subscription that matches the topic, at most the
   * message's. Owner loop only. False when the client is not connected or has no such subscription.
   */
  boolean deliverDirect(Message message) {
    if (liveLink() == null) {
      return false;
    }
    for (Subscription sub : subscriptions.values()) {
      if (!sub.isShared() && io.shadowmq.broker.routing.Topics.matches(sub.topicFilter(), message.topic())) {
        int[] ids = sub.subscriptionId() > 0 ? new int[] {sub.subscriptionId()} : null;
        deliver(new Delivery(message, Math.min(sub.qos(), message.qos()), false, ids, null));
        return true;
      }
    }
    return false;
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
    incomingQos2.restore(awaiting);
    outbox.restored(storedMessages, lastSeq);
    if (expiresAtMillis > 0) {
      expiryTimer = owner().schedule(this::expire, Math.max(0, expiresAtMillis - System.currentTimeMillis()),
          TimeUnit.MILLISECONDS);
    }
  }

  /** Whether messages of this session are still only in the store. */
  boolean hasUnloadedMessages() {
    return outbox.unloaded() > 0;
  }

  /** Puts the stored messages, read back when the client reconnects, before what arrived since. */
  void loadStored(List<SessionJournal.Entry> stored) {
    outbox.load(stored);
  }

  // ---- moving between loops --------------------------------------------------------------------

  /** Runs the task on the owner loop, following the session if it moves meanwhile. */
  void runOnOwner(Runnable task) {
    mailbox.runOnOwner(task);
  }

  /** Hands the session to another loop; called on the current owner. */
  void moveTo(BrokerLoop target, Runnable onArrival) {
    cancel(expiryTimer); // timers belong to the old loop; arrival attaches or re-arms them
    expiryTimer = null;
    pendingWill.disarm();
    mailbox.moveTo(target, onArrival);
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
