package io.shadowmq.broker.codec;

/** PUBACK, PUBREC, PUBREL or PUBCOMP: a packet id, a reason code and properties. */
public record AckPacket(int type, int packetId, int reasonCode, PacketProperties properties) implements Packet {

  public static AckPacket of(int type, int packetId, int reasonCode) {
    return new AckPacket(type, packetId, reasonCode, PacketProperties.NONE);
  }
}
