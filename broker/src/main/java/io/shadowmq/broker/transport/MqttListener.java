package io.shadowmq.broker.transport;

import io.micrometer.core.instrument.Counter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.shadowmq.broker.codec.MqttDecoder;
import io.shadowmq.broker.loop.BrokerLoop;
import io.shadowmq.broker.loop.BrokerLoops;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One MQTT listening port (TCP or WebSocket, plain or with TLS). With epoll, every event loop binds its own
 * socket to the port with SO_REUSEPORT: the kernel spreads new connections over the loops, and a
 * connection is accepted, read and written on one loop for its whole life. Without epoll one
 * socket accepts and hands connections round robin to the loops.
 */
public final class MqttListener {
  /** Kinds of listener. */
  public enum Kind {
    TCP("tcp", false, false), TLS("tls", true, false), WEBSOCKET("ws", false, true), SECURE_WEBSOCKET("wss", true, true);

    final String label;
    final boolean secure;
    final boolean websocket;

    Kind(String label, boolean secure, boolean websocket) {
      this.label = label;
      this.secure = secure;
      this.websocket = websocket;
    }

    /** True for the kinds that need a {@link ServerTls}. */
    public boolean secure() {
      return secure;
    }
  }

  private static final AdaptiveRecvByteBufAllocator RECEIVE_BUFFERS = new AdaptiveRecvByteBufAllocator(64, 2048, 65_536);

  private final Kind kind;
  private final SharedEventLoopTransport transport;
  private final BrokerLoops loops;
  private final int maxPacketSize;
  private final int writeBuffer;
  private final Function<ClientTransport, PacketListener> protocol;
  private final ServerTls tls;
  private final TrafficMeter traffic;
  private final List<Channel> serverChannels = new ArrayList<>();
  private int port;

  private MqttListener(Kind kind, SharedEventLoopTransport transport, BrokerLoops loops, int maxPacketSize,
                       int writeBuffer, Function<ClientTransport, PacketListener> protocol, ServerTls tls,
                       TrafficMeter traffic) {
    this.kind = kind;
    this.traffic = traffic;
    this.tls = tls;
    this.transport = transport;
    this.loops = loops;
    this.maxPacketSize = maxPacketSize;
    this.writeBuffer = writeBuffer;
    this.protocol = protocol;
  }

  /**
   * Binds the listener on every event loop: the first socket on the requested port, the others on
   * the port it got (so port 0 means one free port, shared by all loops).
   *
   * @param maxPacketSize the decoder's limit, in bytes
   * @param writeBuffer   bytes queued for one client before its channel reports itself unwritable
   * @param protocol      makes the protocol side of each new connection
   * @param tls           the certificate of a secure kind, else null
   * @param bytesIn       counts the bytes read from clients
   * @param bytesOut      counts the bytes written to clients
   */
  public static Future<MqttListener> bind(Kind kind, String host, int port, SharedEventLoopTransport transport,
                                          BrokerLoops loops, int maxPacketSize, int writeBuffer,
                                          Function<ClientTransport, PacketListener> protocol, ServerTls tls,
                                          Counter bytesIn, Counter bytesOut) {
    if (kind.secure != (tls != null)) {
      throw new IllegalArgumentException(kind + " listener " + (kind.secure ? "needs" : "takes no") + " TLS");
    }
    MqttListener listener = new MqttListener(kind, transport, loops, maxPacketSize, writeBuffer, protocol, tls,
        new TrafficMeter(bytesIn, bytesOut));
    List<EventLoop> eventLoops = new ArrayList<>();
    transport.ioEventLoopGroup().forEach(e -> eventLoops.add((EventLoop) e));
    List<EventLoop> acceptors = transport.supportsReusePort() ? eventLoops : eventLoops.subList(0, 1);
    Promise<MqttListener> done = Promise.promise();
    listener.bindNext(acceptors, 0, host, port, done);
    return done.future();
  }

  private void bindNext(List<EventLoop> acceptors, int i, String host, int bindPort, Promise<MqttListener> done) {
    boolean reusePort = transport.supportsReusePort();
    EventLoop loop = acceptors.get(i);
    EventLoopGroup group = transport.ioEventLoopGroup();
    ServerBootstrap b = new ServerBootstrap()
        .group(loop, reusePort ? loop : group)
        .channelFactory(transport.serverChannelFactory())
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(writeBuffer / 2, writeBuffer))
        // One allocator for all connections; each keeps only its small adaptive handle.
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_BUFFERS)
        .childHandler(initializer());
    if (reusePort) {
      b.option(EpollChannelOption.SO_REUSEPORT, true);
    }
    b.bind(new InetSocketAddress(host, bindPort)).addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        close();
        done.fail(f.cause());
        return;
      }
      serverChannels.add(f.channel());
      int bound = ((InetSocketAddress) f.channel().localAddress()).getPort();
      if (i + 1 == acceptors.size()) {
        port = bound;
        done.complete(this);
      } else {
        bindNext(acceptors, i + 1, host, bound, done);
      }
    });
  }

  private ChannelInitializer<Channel> initializer() {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        BrokerLoop loop = loops.of(ch.eventLoop());
        ChannelPipeline p = ch.pipeline();
        p.addLast(traffic);
        if (tls != null) {
          tls.addTo(ch);
        }
        if (kind.websocket) {
          p.addLast(new HttpServerCodec());
          p.addLast(new HttpObjectAggregator(65_536));
          p.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
              .websocketPath("/")
              .checkStartsWith(true)
              .subprotocols("mqtt,mqttv3.1,mqttv3.1.1")
              .maxFramePayloadLength(maxPacketSize + 8)
              .allowExtensions(false)
              .handshakeTimeoutMillis(10_000)
              .build()));
          p.addLast(new WebSocketMqttFrames());
        }
        p.addLast(new MqttDecoder(maxPacketSize));
        p.addLast(new NettyClientTransport(kind.label, loop, protocol));
      }
    };
  }

  public int port() {
    return port;
  }

  public Kind kind() {
    return kind;
  }

  /** Stops accepting; open connections are not touched. */
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (Channel c : serverChannels) {
      Promise<Void> p = Promise.promise();
      c.close().addListener(f -> p.complete());
      closing.add(p.future());
    }
    return Future.join(closing).mapEmpty();
  }
}
