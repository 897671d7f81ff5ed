package io.shadowmq.broker.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.shadowmq.broker.metrics.BrokerMetrics;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * TLS for the MQTT listeners: the server certificate and key, and the client CA for mutual TLS,
 * from PEM files. Uses OpenSSL (BoringSSL, through netty-tcnative) and falls back to the JDK's
 * engine, saying so, when the native library cannot load. TLS 1.2 and 1.3 only. The files are
 * checked every {@link #CHECK_MILLIS} ms; when one changes, new connections get the new
 * certificate (connections already open keep theirs). Each completed handshake is counted by
 * the engine that did it. The HTTPS server of the HTTP port takes the same files and follows their
 * reloads ({@link #onReload}).
 */
public final class ServerTls implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
  static final long CHECK_MILLIS = 5000;
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  /** The PEM files; {@code ca} null means no client certificates are asked for. */
  public record Files(Path cert, Path key, Path ca, ClientAuth clientAuth) {
  }

  private final Vertx vertx;
  private final Files files;
  private final BrokerMetrics metrics;
  private final HandshakeWatcher watcher = new HandshakeWatcher();
  private final long timer;
  private volatile SslContext context;
  private List<Object> stamp;
  private boolean reloading;
  private final List<Runnable> reloadListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  private ServerTls(Vertx vertx, Files files, BrokerMetrics metrics, SslContext context, List<Object> stamp) {
    this.vertx = vertx;
    this.files = files;
    this.metrics = metrics;
    this.context = context;
    this.stamp = stamp;
    this.timer = vertx.setPeriodic(CHECK_MILLIS, id -> checkForChanges());
  }

  /** Loads the files (blocking: call it at start-up) and starts watching them. */
  public static ServerTls load(Vertx vertx, Files files, BrokerMetrics metrics) throws IOException {
    List<Object> stamp = stamp(files);
    SslContext context = build(files);
    String engine = provider() == SslProvider.OPENSSL
        ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK";
    String clients = files.ca() == null ? "" : ", client certificates "
        + (files.clientAuth() == ClientAuth.REQUIRE ? "required" : "optional") + " (CA " + files.ca().toAbsolutePath() + ")";
    LOG.info("TLS engine {}, protocols TLSv1.2 and TLSv1.3, certificate {}{}", engine, files.cert().toAbsolutePath(),
        clients);
    return new ServerTls(vertx, files, metrics, context, stamp);
  }

  /** OpenSSL when netty-tcnative loaded, else the JDK's engine (logged once). */
  static SslProvider provider() {
    if (OpenSsl.isAvailable()) {
      return SslProvider.OPENSSL;
    }
    LOG.warn("OpenSSL (netty-tcnative) is not available, TLS falls back to the slower JDK engine: {}",
        String.valueOf(OpenSsl.unavailabilityCause()));
    return SslProvider.JDK;
  }

  private static SslContext build(Files files) throws IOException {
    try {
      SslContextBuilder b = SslContextBuilder.forServer(files.cert().toFile(), files.key().toFile())
          .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
          .protocols(PROTOCOLS)
          // Resumed sessions skip the certificate exchange and signatures: reconnect storms get cheaper.
          .sessionCacheSize(20_000)
          .sessionTimeout(3600);
      if (files.ca() != null) {
        b.trustManager(files.ca().toFile()).clientAuth(files.clientAuth());
      }
      return b.build();
    } catch (Exception e) {
      throw new IOException("cannot use the TLS files (" + files.cert() + ", " + files.key()
          + (files.ca() == null ? "" : ", " + files.ca()) + "): " + e.getMessage(), e);
    }
  }

  /** What identifies the files' current content cheaply: their modification times and sizes. */
  private static List<Object> stamp(Files files) throws IOException {
    List<Object> out = new ArrayList<>();
    for (Path p : new Path[] {files.cert(), files.key(), files.ca()}) {
      if (p != null) {
        out.add(java.nio.file.Files.getLastModifiedTime(p));
        out.add(java.nio.file.Files.size(p));
      }
    }
    return out;
  }

  private void checkForChanges() {
    if (reloading) {
      return;
    }
    reloading = true;
    vertx.executeBlocking(() -> {
      List<Object> now = stamp(files);
      if (Objects.equals(now, stamp)) {
        return null;
      }
      SslContext fresh = build(files);
      stamp = now;
      return fresh;
    }, false).onComplete(ar -> {
      reloading = false;
      if (ar.failed()) {
        LOG.error("TLS files changed but cannot be used, new connections keep the previous certificate: {}",
            ar.cause().getMessage());
      } else if (ar.result() != null) {
        context = ar.result();
        LOG.info("TLS certificate reloaded from {}", files.cert().toAbsolutePath());
        reloadListeners.forEach(Runnable::run);
      }
    });
  }

  /** The PEM files. */
  public Files files() {
    return files;
  }

  /** Runs {@code listener} (on a Vert.x context) each time changed files were loaded: the HTTPS server follows. */
  public void onReload(Runnable listener) {
    reloadListeners.add(listener);
  }

  /** Puts TLS in front of a new connection's pipeline. */
  void addTo(io.netty.channel.Channel ch) {
    ChannelPipeline p = ch.pipeline();
    p.addLast(context.newHandler(ch.alloc()));
    p.addLast(watcher);
  }

  /** Counts handshakes by engine and closes connections whose handshake failed. */
  @ChannelHandler.Sharable
  private final class HandshakeWatcher extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SslHandshakeCompletionEvent done) {
        if (done.isSuccess()) {
          SslHandler tls = ctx.pipeline().get(SslHandler.class);
          metrics.tlsHandshake(tls.engine() instanceof ReferenceCountedOpenSslEngine ? "openssl" : "jdk");
        } else {
          metrics.tlsHandshakeFailed();
          LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), done.cause().toString());
          ctx.close();
        }
        ctx.pipeline().remove(this);
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.fireExceptionCaught(cause);
    }
  }

  /** Stops watching the files. */
  @Override
  public void close() {
    vertx.cancelTimer(timer);
  }
}
