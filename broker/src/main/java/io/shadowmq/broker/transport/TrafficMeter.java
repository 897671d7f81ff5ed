package io.shadowmq.broker.transport;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts the bytes read from and written to MQTT connections, as they are on the wire (TLS and
 * WebSocket framing included): it sits first in every pipeline. One instance serves all channels.
 */
@ChannelHandler.Sharable
final class TrafficMeter extends ChannelDuplexHandler {
  private final Counter in;
  private final Counter out;

  TrafficMeter(Counter in, Counter out) {
    this.in = in;
    this.out = out;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    in.increment(size(msg));
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    out.increment(size(msg));
    ctx.write(msg, promise);
  }

  private static int size(Object msg) {
    if (msg instanceof ByteBuf b) {
      return b.readableBytes();
    }
    return msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
  }
}
