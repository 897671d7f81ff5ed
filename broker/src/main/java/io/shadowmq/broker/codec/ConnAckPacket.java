package io.shadowmq.broker.codec;

/** CONNACK. {@code reasonCode} is an MQTT 5 reason code, or a 3.1.1 return code for older clients. */
public record ConnAckPacket(boolean sessionPresent, int reasonCode, PacketProperties properties) implements Packet {
  @Override
  public int type() {
    return PacketType.CONNACK;
  }
}
