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
import java.util.concurrent.ConcurrentHashMap;
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
  private final MqttSettings settings;
  private final Router router;
  private final BrokerMetrics metrics;
  private final Consumer<Message> willPublisher;

  /**
   * @param willPublisher publishes a will message like a client PUBLISH (retained and routed)
   */
  public SessionRegistry(MqttSettings settings, Router router, BrokerMetrics metrics, Consumer<Message> willPublisher) {
    this.settings = settings;
    this.router = router;
    this.metrics = metrics;
    this.willPublisher = willPublisher;
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

  /**
   * Opens the session of {@code clientId} for a connection on {@code loop}. The future completes on
   * that loop, with the session owned by it; the connection then sends CONNACK and attaches.
   *
   * @param connectionOpen tells whether the new connection is still open when its turn comes
   */
  public Future<Opened> open(String clientId, boolean cleanStart, BrokerLoop loop, BooleanSupplier connectionOpen) {
    Promise<Opened> promise = Promise.promise();
    tryOpen(clientId, cleanStart, loop, connectionOpen, promise);
    return promise.future();
  }

  private void tryOpen(String clientId, boolean cleanStart, BrokerLoop loop, BooleanSupplier connectionOpen,
                       Promise<Opened> promise) {
    Session existing = sessions.get(clientId);
    if (existing == null) {
      Session fresh = new Session(clientId, loop, this);
      if (sessions.putIfAbsent(clientId, fresh) != null) {
        tryOpen(clientId, cleanStart, loop, connectionOpen, promise); // lost a race with another connection
        return;
      }
      promise.complete(new Opened(fresh, false));
      return;
    }
    existing.runOnOwner(() -> takeOver(existing, clientId, cleanStart, loop, connectionOpen, promise));
  }

  /** Runs on the existing session's owner loop. */
  private void takeOver(Session existing, String clientId, boolean cleanStart, BrokerLoop loop,
                        BooleanSupplier connectionOpen, Promise<Opened> promise) {
    if (existing.isEnded()) {
      loop.execute(() -> tryOpen(clientId, cleanStart, loop, connectionOpen, promise));
      return;
    }
    existing.evictLink(ReasonCode.SESSION_TAKEN_OVER, "another connection took over the session");
    if (cleanStart) {
      existing.end();
    }
    if (existing.isEnded()) {
      // Clean start, or the evicted connection's session had expiry 0 and ended with it.
      loop.execute(() -> tryOpen(clientId, cleanStart, loop, connectionOpen, promise));
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

  /** Disconnects every attached client with the reason (shutdown); sessions stay as they are. */
  public void evictAll(int reasonCode, String reason) {
    List<Session> all = new ArrayList<>(sessions.values());
    for (Session s : all) {
      s.runOnOwner(() -> s.evictLink(reasonCode, reason));
    }
  }
}
