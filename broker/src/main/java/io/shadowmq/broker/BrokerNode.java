package io.shadowmq.broker;

import io.micrometer.core.instrument.MeterRegistry;
import io.shadowmq.broker.codec.ReasonCode;
import io.shadowmq.broker.config.BrokerConfig;
import io.shadowmq.broker.config.MqttSettings;
import io.shadowmq.broker.loop.BrokerLoop;
import io.shadowmq.broker.loop.BrokerLoops;
import io.shadowmq.broker.loop.LoopMember;
import io.shadowmq.broker.methods.MethodCalls;
import io.shadowmq.broker.metrics.BrokerMetrics;
import io.shadowmq.broker.metrics.EventLoopDelay;
import io.shadowmq.broker.metrics.NodeMeters;
import io.shadowmq.broker.mqtt.MqttBroker;
import io.shadowmq.broker.persistence.DurableRetainedMessages;
import io.shadowmq.broker.persistence.StoredSessions;
import io.shadowmq.broker.persistence.StoredStateLoader;
import io.shadowmq.broker.retained.RetainedMessages;
import io.shadowmq.broker.session.SessionJournal;
import io.shadowmq.broker.shadow.ShadowTopicAdapter;
import io.shadowmq.shadow.service.ShadowService;
import io.shadowmq.shadow.store.ShadowStore;
import io.shadowmq.shadow.store.ShadowStoreInMemory;
import io.shadowmq.shadow.store.Storage;
import io.shadowmq.broker.retained.RetainedTree;
import io.shadowmq.broker.routing.Router;
import io.shadowmq.broker.routing.SubscriptionTree;
import io.shadowmq.broker.transport.MqttListener;
import io.shadowmq.broker.transport.MqttListenerVerticle;
import io.shadowmq.broker.transport.SharedEventLoopTransport;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One running ShadowMQ node: Vert.x and its event loops, the MQTT broker and its listeners.
 * {@link #start} brings it up and prints one line per listener; {@link #close} shuts it down
 * gracefully within the configured time.
 */
public final class BrokerNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerNode.class);

  private final BrokerConfig config;
  private final Vertx vertx;
  private final BrokerLoops loops;
  private final MqttBroker broker;
  private final MqttListenerVerticle listeners;
  private final String deploymentId;
  private final String host;
  private final Storage storage;
  private final NodeSecurity security;
  private final NodeHttp http;
  private final EventLoopDelay eventLoopDelay;

  private BrokerNode(BrokerConfig config, Vertx vertx, BrokerLoops loops, MqttBroker broker,
                     MqttListenerVerticle listeners, String deploymentId, String host, Storage storage,
                     NodeSecurity security, NodeHttp http, EventLoopDelay eventLoopDelay) {
    this.http = http;
    this.eventLoopDelay = eventLoopDelay;
    this.config = config;
    this.vertx = vertx;
    this.loops = loops;
    this.broker = broker;
    this.listeners = listeners;
    this.deploymentId = deploymentId;
    this.host = host;
    this.storage = storage;
    this.security = security;
  }

  /**
   * Starts a node; returns when its listeners are bound. {@code /metrics} serves the registry when it
   * is a Prometheus one.
   */
  public static BrokerNode start(BrokerConfig config, MeterRegistry registry) throws Exception {
    MqttSettings settings = config.mqttSettings();
    Files.createDirectories(config.dataDir);
    config.tlsConfigured(); // checks the TLS options before anything starts
    config.checkFirmwareOptions();
    NodeMeters.prepare(registry);

    int eventLoops = config.eventLoops > 0 ? config.eventLoops : Runtime.getRuntime().availableProcessors();
    SharedEventLoopTransport transport = SharedEventLoopTransport.preferNative();
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setEventLoopPoolSize(eventLoops).setPreferNativeTransport(true)
            .setMetricsOptions(NodeMeters.vertxOptions()))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .withTransport(transport)
        .build();
    Storage storage = null;
    NodeSecurity security = null;
    try {
      BrokerLoops loops = new BrokerLoops(transport.ioEventLoopGroup());
      SubscriptionTree tree = new SubscriptionTree();
      RetainedTree retainedTree = new RetainedTree();
      BrokerMetrics metrics = new BrokerMetrics(registry);
      RetainedMessages retained = retainedTree;
      SessionJournal journal = SessionJournal.NONE;
      DurableRetainedMessages durableRetained = null;
      if (!config.inMemory) {
        storage = Storage.start(vertx, new Storage.Options(config.pgUrl, config.dataDir, config.pgPoolSize,
            config.storageWriteInterval, config.storageQueueCapacity, config.maxConcurrentUploads), registry);
        durableRetained = new DurableRetainedMessages(retainedTree, storage.retained());
        retained = durableRetained;
        journal = new StoredSessions(storage.sessions(), tree);
      }
      security = NodeSecurity.start(config, vertx, storage, metrics);
      String host = effectiveBindAddress(config, security.deviceAuthConfigured);
      MqttBroker broker = new MqttBroker(settings, new Router(tree), retained, metrics, journal, security.security);
      if (storage != null) {
        StoredStateLoader.load(durableRetained, storage.sessions(), broker.sessions(), loops.all());
      }
      ShadowStore shadowStore = storage != null ? storage.shadows() : new ShadowStoreInMemory();
      ShadowService shadows = ShadowService.start(vertx, shadowStore, config.shadowLimits(), eventLoops,
          config.shadowCacheSize, Clock.systemUTC(), registry).await(30, TimeUnit.SECONDS);
      ShadowTopicAdapter shadowTopics = new ShadowTopicAdapter(shadows, broker::publish, broker.router().tree()::hasSubscribers);
      broker.shadows(shadowTopics);
      MethodCalls methods = new MethodCalls(vertx, broker.sessions(), metrics);
      broker.methods(methods);
      BrokerMetrics.gauge(registry, "shadowmq.sessions", "Sessions, connected or not", () -> broker.sessions().size());
      BrokerMetrics.gauge(registry, "shadowmq.subscriptions", "Subscriptions, shared ones included", tree::size);
      BrokerMetrics.gauge(registry, "shadowmq.retained.messages", "Topics with a retained message", retainedTree::size);
      BrokerMetrics.gauge(registry, "shadowmq.messages.queued", "QoS 1/2 messages queued in sessions (approximate)",
          () -> broker.sessions().queuedMessages());
      BrokerMetrics.gauge(registry, "shadowmq.messages.inflight",
          "QoS 1/2 messages sent and not yet acknowledged (approximate)", () -> broker.sessions().inflightMessages());
      BrokerMetrics.gauge(registry, "shadowmq.method.calls.waiting", "Direct method calls waiting for an answer",
          methods::waiting);

      MqttListenerVerticle listeners = new MqttListenerVerticle(broker, transport, loops,
          new MqttListenerVerticle.Ports(host, config.mqttPort, config.wsPort,
              orDefault(config.mqttsPort, 8883), orDefault(config.wssPort, 8084), security.tls));
      String id = vertx.deployVerticle(listeners).await(30, TimeUnit.SECONDS);
      NodeHttp http = NodeHttp.start(vertx, config, host, new NodeHttp.Parts(broker, storage, security, shadows,
          shadowTopics, methods, loops, registry));
      EventLoopDelay delay = EventLoopDelay.start(registry, loops.all());
      LOG.info("ShadowMQ started: transport {}, {} event loops, data directory {}", transport.name(), eventLoops,
          config.dataDir.toAbsolutePath());
      if (storage == null) {
        LOG.warn("--in-memory: sessions, retained messages and shadows are kept in memory only and do not survive "
            + "a restart");
      }
      return new BrokerNode(config, vertx, loops, broker, listeners, id, host, storage, security, http, delay);
    } catch (Exception e) {
      if (security != null) {
        security.close();
      }
      if (storage != null) {
        storage.close();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static int orDefault(Integer port, int otherwise) {
    return port == null ? otherwise : port;
  }

  /**
   * Secure by default: until device authentication is configured (a client CA, or a device in the
   * registry), a broker that was not told {@code --allow-anonymous} listens on loopback only.
   */
  private static String effectiveBindAddress(BrokerConfig config, boolean deviceAuthConfigured) throws IOException {
    if (config.allowAnonymous) {
      LOG.warn("--allow-anonymous: any client that reaches {} may connect without credentials", config.bind);
      return config.bind;
    }
    if (deviceAuthConfigured || InetAddress.getByName(config.bind).isLoopbackAddress()) {
      return config.bind;
    }
    LOG.warn("no device authentication is configured (no client CA, no registered device): listening on 127.0.0.1 "
        + "only, not on {}. Provision a device, give --tls-ca, or pass --allow-anonymous.", config.bind);
    return "127.0.0.1";
  }

  /** The HTTP server (admin API, metrics, health), or null when {@code --http-port -1} turned it off. */
  public NodeHttp http() {
    return http;
  }

  /** The bound HTTP port, or -1 when it is off. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The bound listeners, TCP first. */
  public List<MqttListener> listeners() {
    return listeners.listeners();
  }

  public String host() {
    return host;
  }

  public MqttBroker broker() {
    return broker;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The node's storage, or null with --in-memory. */
  public Storage storage() {
    return storage;
  }

  /** The bound port of the MQTT over TCP listener, or -1 when it is off. */
  public int mqttPort() {
    return listeners.port(MqttListener.Kind.TCP);
  }

  /** The bound port of the WebSocket listener, or -1 when it is off. */
  public int wsPort() {
    return listeners.port(MqttListener.Kind.WEBSOCKET);
  }

  /** The bound port of the MQTT over TLS listener, or -1 when it is off. */
  public int mqttsPort() {
    return listeners.port(MqttListener.Kind.TLS);
  }

  /** The bound port of the secure WebSocket listener, or -1 when it is off. */
  public int wssPort() {
    return listeners.port(MqttListener.Kind.SECURE_WEBSOCKET);
  }

  /**
   * Graceful shutdown: stop accepting, send every client DISCONNECT (MQTT 5 reason 0x8B, server
   * shutting down) without publishing wills, wait for the connections to close, stop Vert.x. Returns
   * within the configured shutdown timeout.
   */
  @Override
  public void close() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, config.shutdownTimeout));
    eventLoopDelay.close();
    if (http != null) {
      http.markStopping(); // readiness says "not ready" from now on
    }
    try {
      vertx.undeploy(deploymentId).await(remainingMillis(deadline), TimeUnit.MILLISECONDS);
      if (http != null) {
        http.stop().await(remainingMillis(deadline), TimeUnit.MILLISECONDS);
      }
    } catch (Exception e) {
      LOG.warn("listeners did not stop cleanly: {}", e.toString());
    }
    broker.disconnectAll(ReasonCode.SERVER_SHUTTING_DOWN, "server shutting down");
    for (BrokerLoop loop : loops.all()) {
      loop.execute(() -> {
        for (LoopMember m : loop.members()) {
          m.evict(ReasonCode.SERVER_SHUTTING_DOWN, "server shutting down");
        }
      });
    }
    while (broker.metrics().connections() > 0 && remainingMillis(deadline) > 1000) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (broker.metrics().connections() > 0) {
      LOG.warn("{} connections still open at shutdown", broker.metrics().connections());
    }
    security.close();
    if (storage != null) {
      storage.close(); // writes every pending change before PostgreSQL stops
    }
    try {
      vertx.close().await(Math.max(500, remainingMillis(deadline)), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("event loops did not stop in time: {}", e.toString());
    }
    LOG.info("ShadowMQ stopped");
  }

  private static long remainingMillis(long deadlineNanos) {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }
}
