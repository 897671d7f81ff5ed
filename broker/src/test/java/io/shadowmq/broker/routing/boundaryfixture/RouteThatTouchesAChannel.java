package io.shadowmq.broker.routing.boundaryfixture;

import io.netty.channel.Channel;

/** Test fixture: routing code that writes to a channel itself, which the boundary rule must flag. */
public final class RouteThatTouchesAChannel {
  public void deliver(Channel channel, Object message) {
    channel.writeAndFlush(message);
  }
}
