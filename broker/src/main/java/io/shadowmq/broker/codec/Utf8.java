package io.shadowmq.broker.codec;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 as MQTT defines it for strings (section 1.5.4 of the MQTT 5 specification). */
public final class Utf8 {
  private Utf8() {
  }

  /**
   * Strict UTF-8 as MQTT requires (MQTT-1.5.4-1..2): ill-formed sequences, encoded surrogates and
   * U+0000 are malformed. Pure ASCII, the common case for topics, takes a fast path.
   */
  public static String decode(ByteBuf buf, int index, int len, String what) throws MalformedPacketException {
    boolean ascii = true;
    for (int i = 0; i < len; i++) {
      byte b = buf.getByte(index + i);
      if (b == 0) {
        throw MalformedPacketException.malformed(what + " contains U+0000");
      }
      if (b < 0) {
        ascii = false;
      }
    }
    if (ascii) {
      return buf.toString(index, len, StandardCharsets.US_ASCII);
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      ByteBuffer nio = buf.nioBufferCount() == 1 ? buf.nioBuffer(index, len) : ByteBuffer.wrap(byteCopy(buf, index, len));
      return decoder.decode(nio).toString();
    } catch (CharacterCodingException e) {
      throw MalformedPacketException.malformed(what + " is not well-formed UTF-8");
    }
  }

  private static byte[] byteCopy(ByteBuf buf, int index, int len) {
    byte[] b = new byte[len];
    buf.getBytes(index, b);
    return b;
  }

  /** True when the bytes are well-formed UTF-8 (used for payloads marked as UTF-8 text). */
  public static boolean isWellFormed(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
