package io.shadowmq.broker;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shadowmq.admin.AdminApi;
import io.shadowmq.admin.AdminPorts;
import io.shadowmq.admin.FirmwarePorts;
import io.shadowmq.broker.config.BrokerConfig;
import io.shadowmq.broker.http.AdminHttpServer;
import io.shadowmq.broker.loop.BrokerLoops;
import io.shadowmq.broker.methods.MethodCalls;
import io.shadowmq.broker.mqtt.MqttBroker;
import io.shadowmq.broker.ports.BrokerPublisher;
import io.shadowmq.broker.ports.ConnectedClients;
import io.shadowmq.broker.ports.NodeHealthCheck;
import io.shadowmq.broker.ports.RetainedView;
import io.shadowmq.shadow.firmware.PresignedUrls;
import io.shadowmq.shadow.port.ShadowReplies;
import io.shadowmq.shadow.rollout.FirmwareDelivery;
import io.shadowmq.shadow.rollout.RolloutEvents;
import io.shadowmq.shadow.rollout.RolloutService;
import io.shadowmq.shadow.rollout.RolloutSettings;
import io.shadowmq.shadow.service.ShadowService;
import io.shadowmq.shadow.store.Storage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The node's HTTP port: the broker's implementations of the core's ports, handed to admin-web,
 * whose router the {@link AdminHttpServer} serves. Bound on the same address as the MQTT listeners
 * (so the same secure-by-default rule applies), HTTPS with the TLS certificate when there is one.
 */
public final class NodeHttp {
  private static final Logger LOG = LoggerFactory.getLogger(NodeHttp.class);
  /** How often the download link keys are re-read, to follow a rotation made through another node. */
  private static final long LINK_KEY_REFRESH_MILLIS = 60_000;

  /** What the HTTP side is built from. */
  record Parts(MqttBroker broker, Storage storage, NodeSecurity security, ShadowService shadows,
               ShadowReplies shadowReplies, MethodCalls methods, BrokerLoops loops, MeterRegistry registry) {
  }

  private final Vertx vertx;
  private final AdminHttpServer server;
  private final String deploymentId;
  private final long linkKeyTimer;
  private final RolloutService rollouts;
  private volatile boolean stopping;

  private NodeHttp(Vertx vertx, AdminHttpServer server, String deploymentId, long linkKeyTimer,
                   RolloutService rollouts) {
    this.vertx = vertx;
    this.rollouts = rollouts;
    this.server = server;
    this.deploymentId = deploymentId;
    this.linkKeyTimer = linkKeyTimer;
  }

  /** Binds the HTTP port (blocking, at start-up); null when {@code --http-port} is negative. */
  static NodeHttp start(Vertx vertx, BrokerConfig config, String host, Parts parts) throws Exception {
    if (config.httpPort < 0) {
      return null;
    }
    NodeHttp[] self = new NodeHttp[1];
    ConnectedClients clients = new ConnectedClients(parts.broker().sessions(), parts.methods());
    Storage storage = parts.storage();
    BrokerPublisher publisher = new BrokerPublisher(parts.broker());
    FirmwarePorts firmware = firmware(vertx, config, host, storage, parts.registry(), self,
        parts.security().tls != null);
    RolloutService rollouts = firmware == null ? null : RolloutService.start(vertx, storage.config(), storage.rollouts(),
        storage.executions(), storage.groups(), storage.releases(),
        new FirmwareDelivery(parts.shadows(), parts.shadowReplies(), clients, firmware.links()::mint),
        new RolloutEvents(publisher), parts.shadows(), RolloutSettings.defaults().withRescan(config.rolloutRescanSeconds * 1000L), parts.registry())
        .await(30, TimeUnit.SECONDS);
    AdminPorts ports = new AdminPorts(parts.security().adminTokens,
        storage == null ? null : storage.devices(), storage == null ? null : storage.groups(),
        parts.shadows(), parts.shadowReplies(), clients, clients,
        new RetainedView(parts.broker().retained(), parts.broker().settings()), publisher,
        new NodeHealthCheck(parts.loops().all(), () -> self[0] != null && !self[0].stopping, storage),
        parts.registry() instanceof PrometheusMeterRegistry prometheus ? prometheus : null, firmware, rollouts);
    Router router = AdminApi.router(vertx, ports);
    AdminHttpServer server = new AdminHttpServer(router, host, config.httpPort, parts.security().tls);
    String id = vertx.deployVerticle(server).await(30, TimeUnit.SECONDS);
    long timer = -1;
    if (firmware != null) {
      timer = vertx.setPeriodic(LINK_KEY_REFRESH_MILLIS, t -> firmware.linkSecrets().current()
          .onSuccess(firmware.links()::secrets)
          .onFailure(e -> LOG.warn("could not re-read the download link keys: {}", e.toString())));
    }
    self[0] = new NodeHttp(vertx, server, id, timer, rollouts);
    if (ports.firmware() != null) {
      LOG.info("firmware download links start with {}{}", ports.firmware().links().baseUrl(),
          config.publicUrl() == null ? " (set --public-url if devices reach this node "
          + "at another address)" : "");
    }
    return self[0];
  }

  /**
   * Releases, links and compliance on the node's storage, or null without storage. The links'
   * base is {@code --public-url}, else this HTTP listener's own address, read once it is bound.
   */
  private static FirmwarePorts firmware(Vertx vertx, BrokerConfig config, String host, Storage storage,
                                        MeterRegistry registry, NodeHttp[] self, boolean secure) throws Exception {
    if (storage == null) {
      return null;
    }
    String configured = config.publicUrl();
    String ownHost = ownAddress(host);
    PresignedUrls links = new PresignedUrls(() -> configured != null ? configured
        : (secure ? "https://" : "http://") + ownHost + ":" + self[0].port(), Clock.systemUTC(),
        storage.linkSecrets().load().await(30, TimeUnit.SECONDS));
    return new FirmwarePorts(storage.releases(), storage.rollouts(), links, storage.linkSecrets(),
        storage.firmwareReports(), config.maxArtifactSize, config.maxConcurrentDownloads, config.maxConcurrentUploads,
        registry);
  }

  /** The bind address as a URL host: a wildcard address becomes this machine's name. */
  private static String ownAddress(String host) throws UnknownHostException {
    InetAddress address = InetAddress.getByName(host);
    String name = address.isAnyLocalAddress() ? InetAddress.getLocalHost().getHostName() : host;
    return name.contains(":") ? "[" + name + "]" : name;
  }

  /** The bound port. */
  public int port() {
    return server.actualPort();
  }

  /** Whether it serves HTTPS. */
  public boolean secure() {
    return server.secure();
  }

  /** From now on the node is going down: readiness fails. */
  void markStopping() {
    stopping = true;
  }

  /** The node's rollout engines, or null without storage. */
  public RolloutService rollouts() {
    return rollouts;
  }

  /** Stops accepting HTTP requests and stops the rollout engines (their state is all stored). */
  Future<Void> stop() {
    if (linkKeyTimer >= 0) {
      vertx.cancelTimer(linkKeyTimer);
    }
    Future<Void> engines = rollouts == null ? Future.succeededFuture() : rollouts.stop();
    return engines.eventually(() -> vertx.undeploy(deploymentId));
  }
}
