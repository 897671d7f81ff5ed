package io.shadowmq.broker.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

import java.util.List;

/**
 * Encodes the packets a server sends, for the protocol level of the connection. PUBLISH has its
 * own entry point so that a message is encoded straight from what the broker keeps, without an
 * intermediate packet object per subscriber.
 */
public final class MqttEncoder {
  private MqttEncoder() {
  }

  /**
   * Encodes a packet for a client that accepts at most {@code maxSize} bytes. A reason string that
   * would take it past that is left out (MQTT-3.1.2-24; e.g. MQTT-3.4.2-2 for PUBACK): the broker's
   * packets carry it as their only optional property, so they are re-encoded without properties.
   */
  public static ByteBuf encode(ByteBufAllocator alloc, Packet packet, int protocolLevel, long maxSize) {
    ByteBuf buf = encode(alloc, packet, protocolLevel);
    if (buf.readableBytes() <= maxSize) {
      return buf;
    }
    Packet bare = withoutReasonString(packet);
    if (bare == null) {
      return buf;
    }
    buf.release();
    return encode(alloc, bare, protocolLevel);
  }

  private static Packet withoutReasonString(Packet p) {
    if (p instanceof AckPacket a && a.properties().reasonString != null) {
      return new AckPacket(a.type(), a.packetId(), a.reasonCode(), PacketProperties.NONE);
    } else if (p instanceof SubAckPacket a && a.properties().reasonString != null) {
      return new SubAckPacket(a.type(), a.packetId(), a.reasonCodes(), PacketProperties.NONE);
    } else if (p instanceof SimplePacket d && d.properties().reasonString != null) {
      return new SimplePacket(d.type(), d.reasonCode(), PacketProperties.NONE);
    } else if (p instanceof ConnAckPacket a && a.properties().reasonString != null) {
      return new ConnAckPacket(a.sessionPresent(), a.reasonCode(), PacketProperties.NONE);
    }
    return null;
  }

  /** Encodes CONNACK, PUBACK/PUBREC/PUBREL/PUBCOMP, SUBACK, UNSUBACK, PINGRESP or DISCONNECT. */
  public static ByteBuf encode(ByteBufAllocator alloc, Packet packet, int protocolLevel) {
    boolean v5 = protocolLevel == 5;
    switch (packet.type()) {
      case PacketType.CONNACK: {
        ConnAckPacket p = (ConnAckPacket) packet;
        int propsLen = v5 ? propertiesLength(p.properties(), -1, null, -1) : -1;
        int body = 2 + (v5 ? varIntSize(propsLen) + propsLen : 0);
        ByteBuf out = header(alloc, 0x20, body);
        out.writeByte(p.sessionPresent() ? 1 : 0);
        out.writeByte(p.reasonCode());
        if (v5) {
          writeProperties(out, propsLen, p.properties(), -1, null, -1);
        }
        return out;
      }
      case PacketType.PUBACK:
      case PacketType.PUBREC:
      case PacketType.PUBREL:
      case PacketType.PUBCOMP: {
        AckPacket p = (AckPacket) packet;
        int first = (p.type() << 4) | (p.type() == PacketType.PUBREL ? 0x02 : 0);
        boolean hasProps = v5 && p.properties() != PacketProperties.NONE;
        if (!v5 || (p.reasonCode() == 0 && !hasProps)) {
          ByteBuf out = header(alloc, first, 2);
          out.writeShort(p.packetId());
          return out;
        }
        int propsLen = hasProps ? propertiesLength(p.properties(), -1, null, -1) : 0;
        int body = 3 + (hasProps ? varIntSize(propsLen) + propsLen : 0);
        ByteBuf out = header(alloc, first, body);
        out.writeShort(p.packetId());
        out.writeByte(p.reasonCode());
        if (hasProps) {
          writeProperties(out, propsLen, p.properties(), -1, null, -1);
        }
        return out;
      }
      case PacketType.SUBACK:
      case PacketType.UNSUBACK: {
        SubAckPacket p = (SubAckPacket) packet;
        boolean codes = p.type() == PacketType.SUBACK || v5; // a 3.1.1 UNSUBACK has no payload
        int propsLen = v5 ? propertiesLength(p.properties(), -1, null, -1) : -1;
        int body = 2 + (v5 ? varIntSize(propsLen) + propsLen : 0) + (codes ? p.reasonCodes().length : 0);
        ByteBuf out = header(alloc, p.type() << 4, body);
        out.writeShort(p.packetId());
        if (v5) {
          writeProperties(out, propsLen, p.properties(), -1, null, -1);
        }
        if (codes) {
          for (int code : p.reasonCodes()) {
            out.writeByte(code);
          }
        }
        return out;
      }
      case PacketType.PINGRESP: {
        ByteBuf out = alloc.buffer(2);
        out.writeByte(0xD0).writeByte(0);
        return out;
      }
      case PacketType.DISCONNECT: {
        SimplePacket p = (SimplePacket) packet;
        if (!v5) {
          ByteBuf out = alloc.buffer(2);
          out.writeByte(0xE0).writeByte(0);
          return out;
        }
        int propsLen = propertiesLength(p.properties(), -1, null, -1);
        int body = 1 + varIntSize(propsLen) + propsLen;
        ByteBuf out = header(alloc, 0xE0, body);
        out.writeByte(p.reasonCode());
        writeProperties(out, propsLen, p.properties(), -1, null, -1);
        return out;
      }
      default:
        throw new IllegalArgumentException("the server does not send " + PacketType.name(packet.type()));
    }
  }

  /**
   * The size in bytes of a PUBLISH as {@link #encodePublish} would write it, to check it against
   * the client's maximum packet size before anything is allocated.
   */
  public static int publishSize(int protocolLevel, String topic, int qos, byte[] payload,
                                PacketProperties props, long expiry, int[] subIds, int topicAlias) {
    int body = publishBodySize(protocolLevel, topic, qos, payload, props, expiry, subIds, topicAlias);
    return 1 + varIntSize(body) + body;
  }

  private static int publishBodySize(int protocolLevel, String topic, int qos, byte[] payload,
                                     PacketProperties props, long expiry, int[] subIds, int topicAlias) {
    int body = 2 + ByteBufUtil.utf8Bytes(topic) + (qos > 0 ? 2 : 0) + payload.length;
    if (protocolLevel == 5) {
      int propsLen = propertiesLength(props, expiry, subIds, topicAlias);
      body += varIntSize(propsLen) + propsLen;
    }
    return body;
  }

  /**
   * Encodes a PUBLISH to a client.
   *
   * @param props      the message's own properties (payload format, content type, response topic,
   *                   correlation data, user properties); ignored below MQTT 5
   * @param expiry     the remaining message expiry interval in seconds, or -1 for none
   * @param subIds     the identifiers of the subscriptions it matched, or null
   * @param topicAlias the alias to send, or -1
   */
  public static ByteBuf encodePublish(ByteBufAllocator alloc, int protocolLevel, String topic, int qos, boolean dup,
                                      boolean retain, int packetId, byte[] payload, PacketProperties props,
                                      long expiry, int[] subIds, int topicAlias) {
    boolean v5 = protocolLevel == 5;
    int propsLen = v5 ? propertiesLength(props, expiry, subIds, topicAlias) : 0;
    int topicLen = ByteBufUtil.utf8Bytes(topic);
    int body = 2 + topicLen + (qos > 0 ? 2 : 0) + payload.length + (v5 ? varIntSize(propsLen) + propsLen : 0);
    int first = 0x30 | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 0x01 : 0);
    ByteBuf out = header(alloc, first, body);
    out.writeShort(topicLen);
    ByteBufUtil.writeUtf8(out, topic);
    if (qos > 0) {
      out.writeShort(packetId);
    }
    if (v5) {
      writeProperties(out, propsLen, props, expiry, subIds, topicAlias);
    }
    out.writeBytes(payload);
    return out;
  }

  private static ByteBuf header(ByteBufAllocator alloc, int first, int body) {
    ByteBuf out = alloc.buffer(1 + varIntSize(body) + body);
    out.writeByte(first);
    writeVarInt(out, body);
    return out;
  }

  static int varIntSize(int value) {
    if (value < 128) {
      return 1;
    } else if (value < 16_384) {
      return 2;
    } else if (value < 2_097_152) {
      return 3;
    }
    return 4;
  }

  static void writeVarInt(ByteBuf out, int value) {
    do {
      int digit = value & 0x7F;
      value >>>= 7;
      if (value > 0) {
        digit |= 0x80;
      }
      out.writeByte(digit);
    } while (value > 0);
  }

  private static int stringSize(String s) {
    return 2 + ByteBufUtil.utf8Bytes(s);
  }

  private static void writeString(ByteBuf out, String s) {
    out.writeShort(ByteBufUtil.utf8Bytes(s));
    ByteBufUtil.writeUtf8(out, s);
  }

  private static void writeBinary(ByteBuf out, byte[] b) {
    out.writeShort(b.length);
    out.writeBytes(b);
  }

  /** Length of the property section without its own length prefix. */
  static int propertiesLength(PacketProperties p, long expiry, int[] subIds, int topicAlias) {
    int n = 0;
    if (p.payloadFormatIndicator >= 0) n += 2;
    long exp = expiry >= 0 ? expiry : p.messageExpiryInterval;
    if (exp >= 0) n += 5;
    if (p.contentType != null) n += 1 + stringSize(p.contentType);
    if (p.responseTopic != null) n += 1 + stringSize(p.responseTopic);
    if (p.correlationData != null) n += 3 + p.correlationData.length;
    if (subIds != null) {
      for (int id : subIds) n += 1 + varIntSize(id);
    }
    if (p.sessionExpiryInterval >= 0) n += 5;
    if (p.assignedClientIdentifier != null) n += 1 + stringSize(p.assignedClientIdentifier);
    if (p.serverKeepAlive >= 0) n += 3;
    if (p.authenticationMethod != null) n += 1 + stringSize(p.authenticationMethod);
    if (p.authenticationData != null) n += 3 + p.authenticationData.length;
    if (p.responseInformation != null) n += 1 + stringSize(p.responseInformation);
    if (p.serverReference != null) n += 1 + stringSize(p.serverReference);
    if (p.reasonString != null) n += 1 + stringSize(p.reasonString);
    if (p.receiveMaximum >= 0) n += 3;
    if (p.topicAliasMaximum >= 0) n += 3;
    if (topicAlias > 0) n += 3;
    if (p.maximumQos >= 0) n += 2;
    if (p.retainAvailable >= 0) n += 2;
    List<UserProperty> ups = p.userProperties;
    if (ups != null) {
      for (UserProperty u : ups) n += 1 + stringSize(u.name()) + stringSize(u.value());
    }
    if (p.maximumPacketSize >= 0) n += 5;
    if (p.wildcardSubscriptionAvailable >= 0) n += 2;
    if (p.subscriptionIdentifierAvailable >= 0) n += 2;
    if (p.sharedSubscriptionAvailable >= 0) n += 2;
    return n;
  }

  private static void writeProperties(ByteBuf out, int length, PacketProperties p, long expiry, int[] subIds, int topicAlias) {
    writeVarInt(out, length);
    if (length == 0) {
      return;
    }
    if (p.payloadFormatIndicator >= 0) {
      out.writeByte(PacketProperties.PAYLOAD_FORMAT_INDICATOR).writeByte(p.payloadFormatIndicator);
    }
    long exp = expiry >= 0 ? expiry : p.messageExpiryInterval;
    if (exp >= 0) {
      out.writeByte(PacketProperties.MESSAGE_EXPIRY_INTERVAL).writeInt((int) exp);
    }
    if (p.contentType != null) {
      out.writeByte(PacketProperties.CONTENT_TYPE);
      writeString(out, p.contentType);
    }
    if (p.responseTopic != null) {
      out.writeByte(PacketProperties.RESPONSE_TOPIC);
      writeString(out, p.responseTopic);
    }
    if (p.correlationData != null) {
      out.writeByte(PacketProperties.CORRELATION_DATA);
      writeBinary(out, p.correlationData);
    }
    if (subIds != null) {
      for (int id : subIds) {
        out.writeByte(PacketProperties.SUBSCRIPTION_IDENTIFIER);
        writeVarInt(out, id);
      }
    }
    if (p.sessionExpiryInterval >= 0) {
      out.writeByte(PacketProperties.SESSION_EXPIRY_INTERVAL).writeInt((int) p.sessionExpiryInterval);
    }
    if (p.assignedClientIdentifier != null) {
      out.writeByte(PacketProperties.ASSIGNED_CLIENT_IDENTIFIER);
      writeString(out, p.assignedClientIdentifier);
    }
    if (p.serverKeepAlive >= 0) {
      out.writeByte(PacketProperties.SERVER_KEEP_ALIVE).writeShort(p.serverKeepAlive);
    }
    if (p.authenticationMethod != null) {
      out.writeByte(PacketProperties.AUTHENTICATION_METHOD);
      writeString(out, p.authenticationMethod);
    }
    if (p.authenticationData != null) {
      out.writeByte(PacketProperties.AUTHENTICATION_DATA);
      writeBinary(out, p.authenticationData);
    }
    if (p.responseInformation != null) {
      out.writeByte(PacketProperties.RESPONSE_INFORMATION);
      writeString(out, p.responseInformation);
    }
    if (p.serverReference != null) {
      out.writeByte(PacketProperties.SERVER_REFERENCE);
      writeString(out, p.serverReference);
    }
    if (p.reasonString != null) {
      out.writeByte(PacketProperties.REASON_STRING);
      writeString(out, p.reasonString);
    }
    if (p.receiveMaximum >= 0) {
      out.writeByte(PacketProperties.RECEIVE_MAXIMUM).writeShort(p.receiveMaximum);
    }
    if (p.topicAliasMaximum >= 0) {
      out.writeByte(PacketProperties.TOPIC_ALIAS_MAXIMUM).writeShort(p.topicAliasMaximum);
    }
    if (topicAlias > 0) {
      out.writeByte(PacketProperties.TOPIC_ALIAS).writeShort(topicAlias);
    }
    if (p.maximumQos >= 0) {
      out.writeByte(PacketProperties.MAXIMUM_QOS).writeByte(p.maximumQos);
    }
    if (p.retainAvailable >= 0) {
      out.writeByte(PacketProperties.RETAIN_AVAILABLE).writeByte(p.retainAvailable);
    }
    if (p.userProperties != null) {
      for (UserProperty u : p.userProperties) {
        out.writeByte(PacketProperties.USER_PROPERTY);
        writeString(out, u.name());
        writeString(out, u.value());
      }
    }
    if (p.maximumPacketSize >= 0) {
      out.writeByte(PacketProperties.MAXIMUM_PACKET_SIZE).writeInt((int) p.maximumPacketSize);
    }
    if (p.wildcardSubscriptionAvailable >= 0) {
      out.writeByte(PacketProperties.WILDCARD_SUBSCRIPTION_AVAILABLE).writeByte(p.wildcardSubscriptionAvailable);
    }
    if (p.subscriptionIdentifierAvailable >= 0) {
      out.writeByte(PacketProperties.SUBSCRIPTION_IDENTIFIER_AVAILABLE).writeByte(p.subscriptionIdentifierAvailable);
    }
    if (p.sharedSubscriptionAvailable >= 0) {
      out.writeByte(PacketProperties.SHARED_SUBSCRIPTION_AVAILABLE).writeByte(p.sharedSubscriptionAvailable);
    }
  }
}
