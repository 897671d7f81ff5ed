package io.shadowmq.broker.codec;

/**
 * CONNECT. {@code protocolLevel} is 3 (MQTT 3.1), 4 (3.1.1) or 5. The will fields are null when
 * the will flag is not set.
 */
public record ConnectPacket(
    String protocolName,
    int protocolLevel,
    boolean cleanStart,
    int keepAliveSeconds,
    String clientId,
    String username,
    byte[] password,
    WillSpec will,
    PacketProperties properties) implements Packet {

  /** The will part of a CONNECT. */
  public record WillSpec(String topic, byte[] payload, int qos, boolean retain, PacketProperties properties) {
  }

  @Override
  public int type() {
    return PacketType.CONNECT;
  }
}
