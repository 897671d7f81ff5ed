package io.shadowmq.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * MQTT over WebSocket (MQTT 5 section 6): binary frames in, their bytes to the MQTT decoder (a
 * packet may span frames and a frame may hold several packets); bytes out as binary frames. A
 * text frame closes the connection, as MQTT-6.0.0-1 requires.
 */
final class WebSocketMqttFrames extends ChannelDuplexHandler {
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
      ctx.fireChannelRead(((WebSocketFrame) msg).content());
    } else if (msg instanceof WebSocketFrame) {
      ReferenceCountUtil.release(msg);
      ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "MQTT needs binary frames"))
          .addListener(f -> ctx.close());
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf buf) {
      ctx.write(new BinaryWebSocketFrame(buf), promise);
    } else {
      ctx.write(msg, promise);
    }
  }
}
