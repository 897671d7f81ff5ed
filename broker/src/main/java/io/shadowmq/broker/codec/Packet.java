package io.shadowmq.broker.codec;

/** One decoded MQTT control packet, or one to encode. */
public interface Packet {
  /** The control packet type, one of {@link PacketType}'s constants. */
  int type();
}
