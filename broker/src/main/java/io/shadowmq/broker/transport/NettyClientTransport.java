package io.shadowmq.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.shadowmq.broker.codec.DecodeFailure;
import io.shadowmq.broker.codec.Packet;
import io.shadowmq.broker.loop.BrokerLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Function;

/**
 * The last handler of a connection's pipeline and its {@link ClientTransport}: decoded packets go
 * to the protocol's {@link PacketListener}, encoded bytes go out with one flush per loop batch.
 * Reading pauses while the client does not take what is written to it, so a client that stops
 * reading cannot make the broker buffer without bound.
 */
final class NettyClientTransport extends ChannelInboundHandlerAdapter implements ClientTransport {
  private static final Logger LOG = LoggerFactory.getLogger(NettyClientTransport.class);
  private static final int PAUSED_BY_PROTOCOL = 1;
  private static final int PAUSED_BY_WRITES = 2;

  private final String kind;
  private final BrokerLoop loop;
  private final Function<ClientTransport, PacketListener> listenerFactory;
  private final Runnable flush = this::flush;
  private Channel channel;
  private PacketListener listener;
  private boolean flushPending;
  private int paused;
  private boolean closedNotified;
  private boolean failureLogged;

  NettyClientTransport(String kind, BrokerLoop loop, Function<ClientTransport, PacketListener> listenerFactory) {
    this.kind = kind;
    this.loop = loop;
    this.listenerFactory = listenerFactory;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    channel = ctx.channel();
    listener = listenerFactory.apply(this);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Packet p) {
      listener.onPacket(p);
    } else if (msg instanceof DecodeFailure f) {
      listener.onDecodeFailure(f);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().isWritable()) {
      setPaused(PAUSED_BY_WRITES, false);
      listener.onWritable();
    } else {
      setPaused(PAUSED_BY_WRITES, true);
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    notifyClosed();
    super.channelInactive(ctx);
  }

  private void notifyClosed() {
    if (!closedNotified && listener != null) {
      closedNotified = true;
      listener.onClosed();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!failureLogged) {
      failureLogged = true; // a reset connection fails every write still pending: say it once
      LOG.debug("connection {} failed: {}", remoteAddress(), cause.toString());
    }
    ctx.close();
  }

  @Override
  public BrokerLoop loop() {
    return loop;
  }

  @Override
  public ByteBufAllocator alloc() {
    return channel.alloc();
  }

  @Override
  public void write(ByteBuf encoded) {
    channel.write(encoded, channel.voidPromise());
    if (!flushPending) {
      flushPending = true;
      loop.flushLater(flush);
    }
  }

  private void flush() {
    flushPending = false;
    channel.flush();
  }

  @Override
  public void writeAndClose(ByteBuf encoded) {
    channel.writeAndFlush(encoded).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void close() {
    if (flushPending) {
      channel.flush();
    }
    channel.close();
  }

  @Override
  public boolean isOpen() {
    return channel.isActive();
  }

  @Override
  public boolean isWritable() {
    return channel.isWritable();
  }

  @Override
  public void pauseReading() {
    setPaused(PAUSED_BY_PROTOCOL, true);
  }

  @Override
  public void resumeReading() {
    setPaused(PAUSED_BY_PROTOCOL, false);
  }

  private void setPaused(int reason, boolean on) {
    paused = on ? paused | reason : paused & ~reason;
    channel.config().setAutoRead(paused == 0);
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public String remoteAddress() {
    SocketAddress a = channel == null ? null : channel.remoteAddress();
    if (a instanceof InetSocketAddress isa) {
      return isa.getAddress().getHostAddress() + ":" + isa.getPort();
    }
    return String.valueOf(a);
  }
}
