package io.shadowmq.broker.codec;

import java.util.List;

/** UNSUBSCRIBE: one or more topic filters. */
public record UnsubscribePacket(int packetId, List<String> filters, PacketProperties properties) implements Packet {
  @Override
  public int type() {
    return PacketType.UNSUBSCRIBE;
  }
}
