package io.shadowmq.broker;

import io.netty.handler.ssl.ClientAuth;
import io.shadowmq.broker.auth.AclFile;
import io.shadowmq.broker.auth.Authenticator;
import io.shadowmq.broker.auth.Authorizer;
import io.shadowmq.broker.auth.LoginThrottle;
import io.shadowmq.broker.auth.Security;
import io.shadowmq.broker.config.BrokerConfig;
import io.shadowmq.broker.metrics.BrokerMetrics;
import io.shadowmq.broker.transport.ServerTls;
import io.shadowmq.shadow.admin.AdminTokenStoreInMemory;
import io.shadowmq.shadow.admin.AdminTokens;
import io.shadowmq.shadow.device.DeviceVerifier;
import io.shadowmq.shadow.store.Storage;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The security of one node, assembled from the options: the device registry's verifier, the TLS
 * certificate, the access rules and the login brake; and, on first start, the admin token.
 * Device authentication counts as configured when a client CA is given ({@code --tls-ca}) or the
 * registry holds a device; until then a broker without {@code --allow-anonymous} is open to
 * anonymous clients on loopback only, as before any device was provisioned.
 */
final class NodeSecurity implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeSecurity.class);
  private static final int MAX_PENDING_PASSWORD_CHECKS = 64;
  private static final Duration PASSWORD_CACHE = Duration.ofMinutes(15);

  final Security security;
  final ServerTls tls;
  final boolean deviceAuthConfigured;
  final AdminTokens adminTokens;
  private final DeviceVerifier verifier;
  private final AclFile aclFile;

  private NodeSecurity(Security security, ServerTls tls, boolean deviceAuthConfigured, DeviceVerifier verifier,
                       AclFile aclFile, AdminTokens adminTokens) {
    this.security = security;
    this.adminTokens = adminTokens;
    this.tls = tls;
    this.deviceAuthConfigured = deviceAuthConfigured;
    this.verifier = verifier;
    this.aclFile = aclFile;
  }

  /** Builds it (blocking: files and the registry are read); storage is null with --in-memory. */
  static NodeSecurity start(BrokerConfig config, Vertx vertx, Storage storage, BrokerMetrics metrics) throws Exception {
    boolean tlsOn = config.tlsConfigured();
    DeviceVerifier verifier = null;
    long devices = 0;
    // Without storage the admin API still needs tokens: they are kept in memory (a new one each start).
    AdminTokens adminTokens = new AdminTokens(storage != null ? storage.adminTokens() : new AdminTokenStoreInMemory());
    adminTokens.bootstrap(config.dataDir, config.adminTokenFile);
    if (storage != null) {
      devices = storage.devices().count().await(30, TimeUnit.SECONDS);
      verifier = new DeviceVerifier(vertx, storage.devices(), Runtime.getRuntime().availableProcessors(),
          MAX_PENDING_PASSWORD_CHECKS, PASSWORD_CACHE);
    } else {
      LOG.warn("--in-memory: there is no device registry, so devices cannot be provisioned and passwords are not "
          + "checked; only client certificates (--tls-ca) or anonymous clients can connect");
    }
    boolean configured = config.tlsCa != null || devices > 0;
    boolean anonymous = config.allowAnonymous || !configured;
    Authorizer authorizer = new Authorizer();
    AclFile acl = null;
    ServerTls tls = null;
    try {
      if (config.aclFile != null) {
        acl = AclFile.watch(vertx, config.aclFile, authorizer, metrics);
      }
      if (tlsOn) {
        tls = ServerTls.load(vertx, new ServerTls.Files(config.tlsCert, config.tlsKey, config.tlsCa,
            config.tlsClientAuth.equals("optional") ? ClientAuth.OPTIONAL : ClientAuth.REQUIRE), metrics);
      }
    } catch (Exception e) {
      if (acl != null) {
        acl.close();
      }
      if (verifier != null) {
        verifier.close();
      }
      throw e;
    }
    LOG.info("authentication: {} registered devices{}{}", devices,
        config.tlsCa != null ? ", client certificates" : "", anonymous ? ", anonymous clients allowed" : "");
    Security security = new Security(new Authenticator(verifier, anonymous), authorizer,
        new LoginThrottle(config.authFailureLimit, Duration.ofSeconds(config.authBlockSeconds)));
    return new NodeSecurity(security, tls, configured, verifier, acl, adminTokens);
  }

  /** Stops watching files and writes the pending last-seen times (before storage closes). */
  @Override
  public void close() {
    if (aclFile != null) {
      aclFile.close();
    }
    if (tls != null) {
      tls.close();
    }
    if (verifier != null) {
      verifier.close();
    }
  }
}
