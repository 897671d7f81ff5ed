package io.shadowmq.broker.session;

import io.shadowmq.broker.codec.ReasonCode;
import io.shadowmq.broker.config.MqttSettings;
import io.shadowmq.broker.loop.BrokerLoop;
import io.shadowmq.broker.metrics.BrokerMetrics;
import io.shadowmq.broker.routing.Message;
import io.shadowmq.broker.routing.Router;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Every session of the node by client id, and the one way to open one: a new connection gets the
 * client id's session, taking it over from a connection that still holds it (on whatever loop that
 * is), resuming it or starting afresh as the connection's clean-start flag says.
 */
public final class SessionRegistry {
  static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
  /** Ids of the sessions with a connection attached, sorted: the admin API pages through them by id. */
  private final ConcurrentSkipListSet<String> attached = new ConcurrentSkipListSet<>();
  private final MqttSettings settings;
  private final Router router;
  private final BrokerMetrics metrics;
  private final Consumer<Message> willPublisher;
  private final SessionJournal journal;

  /**
   * @param willPublisher publishes a will message like a client PUBLISH (retained and routed)
   * @param journal       where persistent sessions are recorded ({@link SessionJournal#NONE}: memory only)
   */
  public SessionRegistry(MqttSettings settings, Router router, BrokerMetrics metrics, Consumer<Message> willPublisher,
                         SessionJournal journal) {
    this.settings = settings;
    this.router = router;
    this.metrics = metrics;
    this.willPublisher = willPublisher;
    this.journal = journal;
  }

  SessionJournal journal() {
    return journal;
  }

  /** A session handed to a connection, and whether it existed before (the CONNACK's session present). */
  public record Opened(Session session, boolean present) {
  }

  MqttSettings settings() {
    return settings;
  }

  Router router() {
    return router;
  }

  BrokerMetrics metrics() {
    return metrics;
  }

  void publishWill(Message will) {
    willPublisher.accept(will);
  }

  public int size() {
    return sessions.size();
  }

  public Session get(String clientId) {
    return sessions.get(clientId);
  }

  void removed(Session session) {
    sessions.remove(session.clientId(), session);
  }

  void attached(Session session) {
    attached.add(session.clientId());
  }

  void detached(Session session) {
    attached.remove(session.clientId());
  }

  /** The ids of the clients connected now, sorted; a live, read-only view. */
  public NavigableSet<String> connectedIds() {
    return Collections.unmodifiableNavigableSet(attached);
  }

  /**
   * Sends a message to one client alone, not through the router (see {@link Session#deliverDirect}).
   * The future completes with false when the client is not connected or not subscribed to the topic.
   */
  public Future<Boolean> deliverTo(String clientId, Message message) {
    Session s = sessions.get(clientId);
    if (s == null || !s.isOnline()) {
      return Future.succeededFuture(false);
    }
    Promise<Boolean> done = Promise.promise();
    s.runOnOwner(() -> done.complete(s.deliverDirect(message)));
    return done.future();
  }

  /**
   * Disconnects the client connected with this id (MQTT 5: DISCONNECT with the reason code); its will
   * is published as for a lost connection. The future completes with false when none was connected.
   */
  public Future<Boolean> disconnect(String clientId, int reasonCode, String reason) {
    Session s = sessions.get(clientId);
    if (s == null || !s.isOnline()) {
      return Future.succeededFuture(false);
    }
    Promise<Boolean> done = Promise.promise();
    s.runOnOwner(() -> {
      boolean wasAttached = s.isAttached();
      s.evictLink(reasonCode, reason);
      done.complete(wasAttached);
    });
    return done.future();
  }

  /**
   * QoS 1/2 messages queued in all sessions, and those in flight. Read without the sessions' loops:
   * an approximate count, enough for a gauge.
   */
  public long queuedMessages() {
    long n = 0;
    for (Session s : sessions.values()) {
      n += s.queuedCount();
    }
    return n;
  }

  /** QoS 1/2 messages sent and not yet acknowledged, in all sessions (approximate, as {@link #queuedMessages}). */
  public long inflightMessages() {
    long n = 0;
    for (Session s : sessions.values()) {
      n += s.inflightCount();
    }
    return n;
  }

  /**
   * Opens the session of {@code clientId} for a connection on {@code loop}. The future completes on
   * that loop, with the session owned by it; the connection then sends CONNACK and attaches.
   *
   * @param connectionOpen tells whether the new connection is still open when its turn comes
   */
  public Future<Opened> open(String clientId, boolean cleanStart, long expirySeconds, BrokerLoop loop,
                             BooleanSupplier connectionOpen) {
    Promise<Opened> promise = Promise.promise();
    tryOpen(new Opening(clientId, cleanStart, expirySeconds, loop, connectionOpen, promise));
    return promise.future().compose(this::loadStoredMessages);
  }

  /** A connection's request for its session, retried until it holds the session on its loop. */
  private record Opening(String clientId, boolean cleanStart, long expirySeconds, BrokerLoop loop,
                         BooleanSupplier connectionOpen, Promise<Opened> promise) {
  }

  private void tryOpen(Opening o) {
    Session existing = sessions.get(o.clientId());
    if (existing == null) {
      Session fresh = new Session(o.clientId(), o.loop(), this, o.expirySeconds());
      if (sessions.putIfAbsent(o.clientId(), fresh) != null) {
        tryOpen(o); // lost a race with another connection
        return;
      }
      o.promise().complete(new Opened(fresh, false));
      return;
    }
    existing.runOnOwner(() -> takeOver(existing, o));
  }

  /** A restored session's messages are read from the store before its client is told it is back. */
  private Future<Opened> loadStoredMessages(Opened opened) {
    Session s = opened.session();
    if (!s.hasUnloadedMessages()) {
      return Future.succeededFuture(opened);
    }
    BrokerLoop loop = s.owner();
    Promise<Opened> loaded = Promise.promise();
    journal.loadMessages(s.clientId()).onComplete(ar -> loop.execute(() -> {
      if (ar.failed()) {
        LOG.error("could not read the stored messages of {}: {}", s.clientId(), ar.cause().toString());
        loaded.fail(ar.cause());
        return;
      }
      s.loadStored(ar.result());
      loaded.complete(opened);
    }));
    return loaded.future();
  }

  /** Runs on the existing session's owner loop. */
  private void takeOver(Session existing, Opening o) {
    String clientId = o.clientId();
    boolean cleanStart = o.cleanStart();
    BrokerLoop loop = o.loop();
    BooleanSupplier connectionOpen = o.connectionOpen();
    Promise<Opened> promise = o.promise();
    if (existing.isEnded()) {
      loop.execute(() -> tryOpen(o));
      return;
    }
    existing.evictLink(ReasonCode.SESSION_TAKEN_OVER, "another connection took over the session");
    if (cleanStart) {
      existing.end();
    }
    if (existing.isEnded()) {
      // Clean start, or the evicted connection's session had expiry 0 and ended with it.
      loop.execute(() -> tryOpen(o));
      return;
    }
    if (!connectionOpen.getAsBoolean()) {
      loop.execute(() -> promise.fail("connection closed while opening its session"));
      return;
    }
    if (existing.owner() == loop) {
      promise.complete(new Opened(existing, true));
      return;
    }
    existing.moveTo(loop, () -> promise.complete(new Opened(existing, true)));
  }

  /**
   * Puts a session read back from storage in place, offline, on the loop its client id hashes to.
   * Call before the node serves.
   */
  public Session restore(String clientId, long expirySeconds, List<RestoredSubscription> subscriptions,
                         List<Integer> awaitingRelease, long storedMessages, long lastSeq, long expiresAtMillis,
                         List<BrokerLoop> loops) {
    BrokerLoop owner = loops.get(Math.floorMod(clientId.hashCode(), loops.size()));
    Session s = new Session(clientId, owner, this, expirySeconds, false);
    List<io.shadowmq.broker.routing.Subscription> subs = new ArrayList<>(subscriptions.size());
    for (RestoredSubscription r : subscriptions) {
      subs.add(r.bind(s));
    }
    s.restore(subs, awaitingRelease, storedMessages, lastSeq, expiresAtMillis);
    sessions.put(clientId, s);
    return s;
  }

  /** A stored subscription, bound to its session once the session exists. */
  @FunctionalInterface
  public interface RestoredSubscription {
    io.shadowmq.broker.routing.Subscription bind(Session session);
  }

  /** Disconnects every attached client with the reason (shutdown); sessions stay as they are. */
  public void evictAll(int reasonCode, String reason) {
    List<Session> all = new ArrayList<>(sessions.values());
    for (Session s : all) {
      s.runOnOwner(() -> s.evictLink(reasonCode, reason));
    }
  }
}
