package io.shadowmq.broker.codec;

import io.netty.buffer.ByteBuf;


/**
 * Reads MQTT data types from the body of one packet. Every read is bounded by the packet's
 * remaining length: a field that runs past it is a malformed packet, never a read into the next.
 */
final class PacketReader {
  private final ByteBuf buf;
  private final int end;

  PacketReader(ByteBuf buf, int length) {
    this.buf = buf;
    this.end = buf.readerIndex() + length;
  }

  int remaining() {
    return end - buf.readerIndex();
  }

  boolean hasRemaining() {
    return buf.readerIndex() < end;
  }

  private void need(int n, String what) throws MalformedPacketException {
    if (remaining() < n) {
      throw MalformedPacketException.malformed(what + " runs past the end of the packet");
    }
  }

  int readByte(String what) throws MalformedPacketException {
    need(1, what);
    return buf.readUnsignedByte();
  }

  int readUInt16(String what) throws MalformedPacketException {
    need(2, what);
    return buf.readUnsignedShort();
  }

  long readUInt32(String what) throws MalformedPacketException {
    need(4, what);
    return buf.readUnsignedInt();
  }

  /** Variable byte integer: at most four bytes, in the minimum number of bytes. */
  int readVarInt(String what) throws MalformedPacketException {
    int value = 0;
    int multiplier = 1;
    for (int i = 0; i < 4; i++) {
      int digit = readByte(what);
      value += (digit & 0x7F) * multiplier;
      if ((digit & 0x80) == 0) {
        if (i > 0 && digit == 0) {
          throw MalformedPacketException.malformed(what + " is not encoded in the minimum number of bytes");
        }
        return value;
      }
      multiplier *= 128;
    }
    throw MalformedPacketException.malformed(what + " is longer than four bytes");
  }

  String readString(String what) throws MalformedPacketException {
    int len = readUInt16(what);
    need(len, what);
    String s = decodeUtf8(buf, buf.readerIndex(), len, what);
    buf.skipBytes(len);
    return s;
  }

  byte[] readBinary(String what) throws MalformedPacketException {
    int len = readUInt16(what);
    return readBytes(len, what);
  }

  byte[] readBytes(int len, String what) throws MalformedPacketException {
    need(len, what);
    byte[] b = new byte[len];
    buf.readBytes(b);
    return b;
  }

  byte[] readRest() {
    byte[] b = new byte[remaining()];
    buf.readBytes(b);
    return b;
  }

  void skipRest() {
    buf.readerIndex(end);
  }

  private static String decodeUtf8(ByteBuf buf, int index, int len, String what) throws MalformedPacketException {
    return Utf8.decode(buf, index, len, what);
  }
}
