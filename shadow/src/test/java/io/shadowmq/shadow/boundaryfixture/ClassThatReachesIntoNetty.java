package io.shadowmq.shadow.boundaryfixture;

import io.netty.buffer.ByteBuf;

/** Test fixture: breaks the core's boundary on purpose, so the boundary rule must flag it. */
public final class ClassThatReachesIntoNetty {
  public int size(ByteBuf buf) {
    return buf.readableBytes();
  }
}
