package io.shadowmq.broker.codec;

/** SUBACK (or UNSUBACK when {@code type} says so): one reason code per requested filter. */
public record SubAckPacket(int type, int packetId, int[] reasonCodes, PacketProperties properties) implements Packet {
}
