package io.shadowmq.broker.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;

import java.net.SocketAddress;
import java.util.concurrent.ThreadFactory;

/**
 * Vert.x's own transport (epoll when it loads, else NIO), through the public transport SPI, keeping
 * hold of the event loop group Vert.x creates with it. The MQTT listener puts its channels on those
 * same event loops, so that the process runs one set of loops (one per core) for MQTT, HTTP and
 * PostgreSQL alike, and the server channel type always matches the loops.
 */
public final class SharedEventLoopTransport implements Transport {
  private final Transport delegate;
  private final Spi spi;

  private SharedEventLoopTransport(Transport delegate) {
    this.delegate = delegate;
    this.spi = new Spi(delegate.implementation());
  }

  /** The native transport if it is available here, otherwise NIO. */
  public static SharedEventLoopTransport preferNative() {
    Transport t = Transport.nativeTransport();
    return new SharedEventLoopTransport(t != null && t.available() ? t : Transport.NIO);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public boolean available() {
    return delegate.available();
  }

  @Override
  public Throwable unavailabilityCause() {
    return delegate.unavailabilityCause();
  }

  @Override
  public io.vertx.core.spi.transport.Transport implementation() {
    return spi;
  }

  /** The I/O event loop group Vert.x created; null until Vert.x is built. */
  public EventLoopGroup ioEventLoopGroup() {
    return spi.ioGroup;
  }

  /** Creates server channels of the type the event loops take. */
  public ChannelFactory<? extends ServerChannel> serverChannelFactory() {
    return spi.serverChannelFactory(false);
  }

  /** Whether listeners may share a port with SO_REUSEPORT (epoll only). */
  public boolean supportsReusePort() {
    return "epoll".equals(delegate.name());
  }

  private static final class Spi implements io.vertx.core.spi.transport.Transport {
    private final io.vertx.core.spi.transport.Transport d;
    private volatile EventLoopGroup ioGroup;

    Spi(io.vertx.core.spi.transport.Transport d) {
      this.d = d;
    }

    @Override
    public EventLoopGroup eventLoopGroup(int type, int nThreads, ThreadFactory threadFactory, int ioRatio) {
      EventLoopGroup group = d.eventLoopGroup(type, nThreads, threadFactory, ioRatio);
      if (type == IO_EVENT_LOOP_GROUP) {
        ioGroup = group;
      }
      return group;
    }

    @Override
    public boolean supportsDomainSockets() {
      return d.supportsDomainSockets();
    }

    @Override
    public boolean supportFileRegion() {
      return d.supportFileRegion();
    }

    @Override
    public boolean isAvailable() {
      return d.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
      return d.unavailabilityCause();
    }

    @Override
    public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
      return d.convert(address);
    }

    @Override
    public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
      return d.convert(address);
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
      return d.ioHandlerFactory();
    }

    @Override
    public DatagramChannel datagramChannel() {
      return d.datagramChannel();
    }

    @Override
    @SuppressWarnings("deprecation")
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
      return d.datagramChannel(family);
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
      return d.channelFactory(domainSocket);
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
      return d.serverChannelFactory(domainSocket);
    }

    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
      d.configure(channel, options);
    }

    @Override
    public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
      d.configure(options, connectTimeout, domainSocket, bootstrap);
    }

    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
      d.configure(options, domainSocket, bootstrap);
    }
  }
}
