package io.shadowmq.broker.codec;

/**
 * A packet of fixed header only, or with a reason code and properties: PINGREQ, PINGRESP,
 * DISCONNECT and AUTH.
 */
public record SimplePacket(int type, int reasonCode, PacketProperties properties) implements Packet {
  public static final SimplePacket PINGREQ = new SimplePacket(PacketType.PINGREQ, 0, PacketProperties.NONE);
  public static final SimplePacket PINGRESP = new SimplePacket(PacketType.PINGRESP, 0, PacketProperties.NONE);

  public static SimplePacket disconnect(int reasonCode, PacketProperties properties) {
    return new SimplePacket(PacketType.DISCONNECT, reasonCode, properties);
  }
}
