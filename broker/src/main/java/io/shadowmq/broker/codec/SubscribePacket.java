package io.shadowmq.broker.codec;

import java.util.List;

/** SUBSCRIBE: one or more topic filters with their options. */
public record SubscribePacket(int packetId, List<Request> requests, PacketProperties properties) implements Packet {

  /** One topic filter and its subscription options (MQTT 5 options are false/0 for older clients). */
  public record Request(String filter, int qos, boolean noLocal, boolean retainAsPublished, int retainHandling) {
  }

  @Override
  public int type() {
    return PacketType.SUBSCRIBE;
  }
}
