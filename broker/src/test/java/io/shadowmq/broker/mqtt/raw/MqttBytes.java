package io.shadowmq.broker.mqtt.raw;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds MQTT packets byte by byte, the way the Mosquitto test suite does: the test states every
 * byte, and only lengths are computed. Anything may be written, including what the spec forbids.
 */
public final class MqttBytes {
  private static final HexFormat HEX = HexFormat.of();

  private MqttBytes() {
  }

  /** Bytes from hex digits; spaces are ignored ("30 05 00 01 61"). */
  public static byte[] hex(String digits) {
    return HEX.parseHex(digits.replace(" ", ""));
  }

  public static String toHex(byte[] bytes) {
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
  public static byte[] packet(int firstByte, byte[]... parts) {
    byte[] body = concat(parts);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(firstByte);
    out.writeBytes(varInt(body.length));
    out.writeBytes(body);
    return out.toByteArray();
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A UTF-8 string with its two-byte length. */
  public static byte[] str(String s) {
    return lengthPrefixed(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Raw bytes with a two-byte length in front: for strings that are not valid UTF-8. */
  public static byte[] lengthPrefixed(byte[] raw) {
    return concat(u16(raw.length), raw);
  }

  public static byte[] u8(int v) {
    return new byte[] {(byte) v};
  }

  public static byte[] u16(int v) {
    return new byte[] {(byte) (v >> 8), (byte) v};
  }

  public static byte[] u32(long v) {
    return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
  }

  public static byte[] varInt(int value) {
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
  public static byte[] props(byte[]... properties) {
    byte[] body = concat(properties);
    return concat(varInt(body.length), body);
  }

  public static final byte[] NO_PROPS = {0};

  /** MQTT 3.1.1 CONNECT: clean session, keep-alive 60, no will, no credentials. */
  public static byte[] connect311(String clientId) {
    return packet(0x10, str("MQTT"), u8(4), u8(0x02), u16(60), str(clientId));
  }

  /**
   * MQTT 5 CONNECT: clean start, keep-alive 60, Request Problem Information 0, so that the
   * broker's answers carry no reason strings and can be compared byte for byte.
   */
  public static byte[] connect5(String clientId) {
    return packet(0x10, str("MQTT"), u8(5), u8(0x02), u16(60), props(hex("17 00")), str(clientId));
  }

  public static final byte[] CONNACK_311 = hex("20 02 00 00");
  public static final byte[] PINGREQ = hex("c0 00");
  public static final byte[] PINGRESP = hex("d0 00");

  /** MQTT 5 DISCONNECT from the server with a reason code and no properties. */
  public static byte[] disconnect5(int reasonCode) {
    return new byte[] {(byte) 0xE0, 0x02, (byte) reasonCode, 0x00};
  }

  /**
   * Reads the MQTT 5 property section that starts at {@code at}: identifier to value (Integer for
   * bytes, two- and four-byte integers and variable byte integers, String, or byte[]). User
   * properties are read and left out.
   */
  public static Map<Integer, Object> readProperties(byte[] packet, int at) {
    int[] pos = {at};
    int length = readVarInt(packet, pos);
    int end = pos[0] + length;
    Map<Integer, Object> out = new LinkedHashMap<>();
    while (pos[0] < end) {
      int id = readVarInt(packet, pos);
      switch (id) {
        case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> out.put(id, packet[pos[0]++] & 0xFF);
        case 0x13, 0x21, 0x22, 0x23 -> out.put(id, readU16(packet, pos));
        case 0x02, 0x11, 0x18, 0x27 -> {
          out.put(id, (readU16(packet, pos) << 16) | readU16(packet, pos));
        }
        case 0x0B -> out.put(id, readVarInt(packet, pos));
        case 0x09, 0x16 -> out.put(id, readBytes(packet, pos));
        case 0x26 -> {
          readBytes(packet, pos);
          readBytes(packet, pos);
        }
        default -> out.put(id, new String(readBytes(packet, pos), StandardCharsets.UTF_8)); // the string properties
      }
    }
    if (pos[0] != end) {
      throw new IllegalStateException("properties run past their length");
    }
    return out;
  }

  private static int readVarInt(byte[] b, int[] pos) {
    int value = 0;
    int multiplier = 1;
    int digit;
    do {
      digit = b[pos[0]++] & 0xFF;
      value += (digit & 0x7F) * multiplier;
      multiplier *= 128;
    } while ((digit & 0x80) != 0);
    return value;
  }

  private static int readU16(byte[] b, int[] pos) {
    int v = ((b[pos[0]] & 0xFF) << 8) | (b[pos[0] + 1] & 0xFF);
    pos[0] += 2;
    return v;
  }

  private static byte[] readBytes(byte[] b, int[] pos) {
    int n = readU16(b, pos);
    byte[] out = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + n);
    pos[0] += n;
    return out;
  }
}
