package io.shadowmq.broker.codec;

/** PUBLISH as received from a client. {@code packetId} is 0 for QoS 0. */
public record PublishPacket(
    String topic,
    int qos,
    boolean dup,
    boolean retain,
    int packetId,
    PacketProperties properties,
    byte[] payload) implements Packet {

  @Override
  public int type() {
    return PacketType.PUBLISH;
  }
}
