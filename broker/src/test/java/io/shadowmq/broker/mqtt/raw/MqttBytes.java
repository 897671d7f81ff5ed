package io.shadowmq.broker.mqtt.raw;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Builds MQTT packets byte by byte, the way the Mosquitto test suite does: the test states every
 * byte, and only lengths are computed. Anything may be written, including what the spec forbids.
 */
final class MqttBytes {
  private static final HexFormat HEX = HexFormat.of();

  private MqttBytes() {
  }

  /** Bytes from hex digits; spaces are ignored ("30 05 00 01 61"). */
  static byte[] hex(String digits) {
    return HEX.parseHex(digits.replace(" ", ""));
  }

  static String toHex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < bytes.length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(HEX.toHexDigits(bytes[i]));
    }
    return sb.toString();
  }

  /** A packet: the first byte, the remaining length computed from the parts, then the parts. */
  static byte[] packet(int firstByte, byte[]... parts) {
    byte[] body = concat(parts);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(firstByte);
    out.writeBytes(varInt(body.length));
    out.writeBytes(body);
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A UTF-8 string with its two-byte length. */
  static byte[] str(String s) {
    return lengthPrefixed(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Raw bytes with a two-byte length in front: for strings that are not valid UTF-8. */
  static byte[] lengthPrefixed(byte[] raw) {
    return concat(u16(raw.length), raw);
  }

  static byte[] u8(int v) {
    return new byte[] {(byte) v};
  }

  static byte[] u16(int v) {
    return new byte[] {(byte) (v >> 8), (byte) v};
  }

  static byte[] u32(long v) {
    return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
  }

  static byte[] varInt(int value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    do {
      int digit = value & 0x7F;
      value >>>= 7;
      if (value > 0) {
        digit |= 0x80;
      }
      out.write(digit);
    } while (value > 0);
    return out.toByteArray();
  }

  /** An MQTT 5 property section: its length, then the properties. */
  static byte[] props(byte[]... properties) {
    byte[] body = concat(properties);
    return concat(varInt(body.length), body);
  }

  static final byte[] NO_PROPS = {0};

  /** MQTT 3.1.1 CONNECT: clean session, keep-alive 60, no will, no credentials. */
  static byte[] connect311(String clientId) {
    return packet(0x10, str("MQTT"), u8(4), u8(0x02), u16(60), str(clientId));
  }

  /**
   * MQTT 5 CONNECT: clean start, keep-alive 60, Request Problem Information 0, so that the
   * broker's answers carry no reason strings and can be compared byte for byte.
   */
  static byte[] connect5(String clientId) {
    return packet(0x10, str("MQTT"), u8(5), u8(0x02), u16(60), props(hex("17 00")), str(clientId));
  }

  static final byte[] CONNACK_311 = hex("20 02 00 00");
  static final byte[] PINGREQ = hex("c0 00");
  static final byte[] PINGRESP = hex("d0 00");

  /** MQTT 5 DISCONNECT from the server with a reason code and no properties. */
  static byte[] disconnect5(int reasonCode) {
    return new byte[] {(byte) 0xE0, 0x02, (byte) reasonCode, 0x00};
  }
}
