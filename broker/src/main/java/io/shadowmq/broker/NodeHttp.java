package io.shadowmq.broker;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shadowmq.admin.AdminApi;
import io.shadowmq.admin.AdminPorts;
import io.shadowmq.broker.config.BrokerConfig;
import io.shadowmq.broker.http.AdminHttpServer;
import io.shadowmq.broker.loop.BrokerLoops;
import io.shadowmq.broker.methods.MethodCalls;
import io.shadowmq.broker.mqtt.MqttBroker;
import io.shadowmq.broker.ports.BrokerPublisher;
import io.shadowmq.broker.ports.ConnectedClients;
import io.shadowmq.broker.ports.NodeHealthCheck;
import io.shadowmq.broker.ports.RetainedView;
import io.shadowmq.shadow.port.ShadowReplies;
import io.shadowmq.shadow.service.ShadowService;
import io.shadowmq.shadow.store.Storage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

import java.util.concurrent.TimeUnit;

/**
 * The node's HTTP port: the broker's implementations of the core's ports, handed to admin-web,
 * whose router the {@link AdminHttpServer} serves. Bound on the same address as the MQTT listeners
 * (so the same secure-by-default rule applies), HTTPS with the TLS certificate when there is one.
 */
public final class NodeHttp {
  /** What the HTTP side is built from. */
  record Parts(MqttBroker broker, Storage storage, NodeSecurity security, ShadowService shadows,
               ShadowReplies shadowReplies, MethodCalls methods, BrokerLoops loops, MeterRegistry registry) {
  }

  private final Vertx vertx;
  private final AdminHttpServer server;
  private final String deploymentId;
  private volatile boolean stopping;

  private NodeHttp(Vertx vertx, AdminHttpServer server, String deploymentId) {
    this.vertx = vertx;
    this.server = server;
    this.deploymentId = deploymentId;
  }

  /** Binds the HTTP port (blocking, at start-up); null when {@code --http-port} is negative. */
  static NodeHttp start(Vertx vertx, BrokerConfig config, String host, Parts parts) throws Exception {
    if (config.httpPort < 0) {
      return null;
    }
    NodeHttp[] self = new NodeHttp[1];
    ConnectedClients clients = new ConnectedClients(parts.broker().sessions(), parts.methods());
    Storage storage = parts.storage();
    AdminPorts ports = new AdminPorts(parts.security().adminTokens,
        storage == null ? null : storage.devices(), storage == null ? null : storage.groups(),
        parts.shadows(), parts.shadowReplies(), clients, clients,
        new RetainedView(parts.broker().retained(), parts.broker().settings()), new BrokerPublisher(parts.broker()),
        new NodeHealthCheck(parts.loops().all(), () -> self[0] != null && !self[0].stopping, storage),
        parts.registry() instanceof PrometheusMeterRegistry prometheus ? prometheus : null);
    Router router = AdminApi.router(vertx, ports);
    AdminHttpServer server = new AdminHttpServer(router, host, config.httpPort, parts.security().tls);
    String id = vertx.deployVerticle(server).await(30, TimeUnit.SECONDS);
    self[0] = new NodeHttp(vertx, server, id);
    return self[0];
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

  /** Stops accepting HTTP requests. */
  Future<Void> stop() {
    return vertx.undeploy(deploymentId);
  }
}
