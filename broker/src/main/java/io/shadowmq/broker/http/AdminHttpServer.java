package io.shadowmq.broker.http;

import io.shadowmq.broker.transport.ServerTls;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.util.Set;

/**
 * The HTTP port: serves admin-web's router (admin API, metrics, health). With a certificate it is
 * HTTPS on the same PEM files as MQTT over TLS (OpenSSL when available, TLS 1.2 and 1.3), and
 * follows their reloads: new connections get the new certificate. Deployed once: admin traffic is
 * light and one event loop serves it.
 */
public final class AdminHttpServer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);

  private final Router router;
  private final String host;
  private final int port;
  private final ServerTls tls;
  private HttpServer server;

  /** @param tls the MQTT listeners' certificate, or null for plain HTTP */
  public AdminHttpServer(Router router, String host, int port, ServerTls tls) {
    this.router = router;
    this.host = host;
    this.port = port;
    this.tls = tls;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port)
        .setCompressionSupported(true).setIdleTimeout(120)
        // HTTP/1.1 (and HTTP/2 over TLS): an h2c upgrade request (java.net.http sends one by default) stalled.
        .setHttp2ClearTextEnabled(false);
    if (tls != null) {
      options.setSsl(true).setKeyCertOptions(keyCert());
      options.setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
      options.setSslEngineOptions(OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions()
          : new JdkSSLEngineOptions());
      tls.onReload(this::reloadCertificate);
    }
    server = vertx.createHttpServer(options).requestHandler(router);
    return server.listen();
  }

  /** The bound port. */
  public int actualPort() {
    return server.actualPort();
  }

  /** Whether it serves HTTPS. */
  public boolean secure() {
    return tls != null;
  }

  /** Reads the files' content: options naming the same paths would compare equal and not be reloaded. */
  private PemKeyCertOptions keyCert() {
    try {
      return new PemKeyCertOptions().setCertValue(Buffer.buffer(Files.readAllBytes(tls.files().cert())))
          .setKeyValue(Buffer.buffer(Files.readAllBytes(tls.files().key())));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void reloadCertificate() {
    vertx.executeBlocking(this::keyCert, false)
        .compose(kc -> server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(kc)
            .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))))
        .onSuccess(updated -> LOG.info("HTTPS certificate reloaded"))
        .onFailure(e -> LOG.error("HTTPS keeps its previous certificate: {}", e.toString()));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown();
  }
}
