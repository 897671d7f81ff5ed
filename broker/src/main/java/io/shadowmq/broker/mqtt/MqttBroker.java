package io.shadowmq.broker.mqtt;

import io.shadowmq.broker.auth.Security;
import io.shadowmq.broker.config.MqttSettings;
import io.shadowmq.broker.methods.MethodCalls;
import io.shadowmq.broker.methods.MethodTopics;
import io.shadowmq.broker.metrics.BrokerMetrics;
import io.shadowmq.broker.retained.RetainedMessages;
import io.shadowmq.broker.routing.Message;
import io.shadowmq.broker.routing.Router;
import io.shadowmq.broker.session.SessionJournal;
import io.shadowmq.broker.session.SessionRegistry;
import io.shadowmq.broker.shadow.ShadowTopicAdapter;
import io.shadowmq.broker.transport.ClientTransport;
import io.shadowmq.broker.transport.PacketListener;

/**
 * The MQTT broker of one node: the state all connections share (sessions, subscriptions, retained
 * messages, limits, meters) and the protocol handler each new connection gets.
 */
public final class MqttBroker {
  private final MqttSettings settings;
  private final Router router;
  private final RetainedMessages retained;
  private final SessionRegistry sessions;
  private final BrokerMetrics metrics;
  private final ConnectRateLimiter connectRate;
  private final ConnectHandler connectHandler;
  private final PublishHandler publishHandler;
  private final SubscribeHandler subscribeHandler;
  private final Security security;
  private volatile boolean shuttingDown;
  private volatile ShadowTopicAdapter shadows;
  private volatile MethodCalls methods;

  /**
   * @param journal  where persistent sessions are recorded ({@link SessionJournal#NONE}: in memory only)
   * @param security who may connect and what each client may publish and subscribe to
   */
  public MqttBroker(MqttSettings settings, Router router, RetainedMessages retained, BrokerMetrics metrics,
                    SessionJournal journal, Security security) {
    this.settings = settings;
    this.security = security;
    this.router = router;
    this.retained = retained;
    this.metrics = metrics;
    this.sessions = new SessionRegistry(settings, router, metrics, this::publish, journal);
    this.connectRate = new ConnectRateLimiter(settings.maxConnectRate());
    this.connectHandler = new ConnectHandler(this);
    this.publishHandler = new PublishHandler(this);
    this.subscribeHandler = new SubscribeHandler(this);
  }

  /** Makes the protocol side of a new connection (the transport's factory). */
  public PacketListener accept(ClientTransport transport) {
    return new MqttConnection(this, transport);
  }

  /**
   * Publishes a message as the broker: stores it if retained (an empty payload clears the topic),
   * then routes it to the subscribers. Returns how many subscribers it went to.
   */
  public int publish(Message message) {
    if (message.retain()) {
      retained.put(message);
    }
    return router.route(message);
  }

  /** Serves the shadow topics from now on (set once, before the listeners open). */
  public void shadows(ShadowTopicAdapter adapter) {
    this.shadows = adapter;
  }

  /** Serves direct-method answers from now on (set once, before the listeners open). */
  public void methods(MethodCalls calls) {
    this.methods = calls;
  }

  /** The direct-method calls, or null while there are none. */
  MethodCalls methods() {
    return methods;
  }

  /** The shadow topic adapter, or null while there is none. */
  ShadowTopicAdapter shadows() {
    return shadows;
  }

  /** Disconnects every client (MQTT 5: reason 0x8B) for a graceful shutdown; no wills are published. */
  public void disconnectAll(int reasonCode, String reason) {
    shuttingDown = true;
    sessions.evictAll(reasonCode, reason);
  }

  /** Whether a client may publish to the topic at all: method requests come from the broker alone. */
  static boolean reservedForBroker(String topic) {
    return topic.startsWith(MethodTopics.REQUEST_PREFIX);
  }

  public boolean isShuttingDown() {
    return shuttingDown;
  }

  public MqttSettings settings() {
    return settings;
  }

  public Router router() {
    return router;
  }

  public RetainedMessages retained() {
    return retained;
  }

  public SessionRegistry sessions() {
    return sessions;
  }

  public Security security() {
    return security;
  }

  public BrokerMetrics metrics() {
    return metrics;
  }

  ConnectRateLimiter connectRate() {
    return connectRate;
  }

  ConnectHandler connectHandler() {
    return connectHandler;
  }

  PublishHandler publishHandler() {
    return publishHandler;
  }

  SubscribeHandler subscribeHandler() {
    return subscribeHandler;
  }
}
