package io.shadowmq.broker.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.ArrayList;
import java.util.List;

import static io.shadowmq.broker.codec.MalformedPacketException.malformed;
import static io.shadowmq.broker.codec.MalformedPacketException.protocolError;

/**
 * Frames and decodes the packets a client sends (MQTT 3.1, 3.1.1 and 5.0). A packet is only parsed
 * once all of it has arrived, and only within its remaining length; a packet larger than the
 * configured maximum is refused from its fixed header, before its body is buffered. Any fault
 * produces one {@link DecodeFailure}; everything after it is discarded until the connection closes.
 */
public final class MqttDecoder extends ByteToMessageDecoder {
  private final int maxPacketSize;
  private int protocolLevel;
  private boolean failed;

  /** @param maxPacketSize the largest packet accepted, fixed header included, in bytes */
  public MqttDecoder(int maxPacketSize) {
    this.maxPacketSize = maxPacketSize;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!failed && in.isReadable()) {
      int start = in.readerIndex();
      int header = in.getUnsignedByte(start);
      int type = header >> 4;
      long lengthAndSize = peekRemainingLength(in, start + 1);
      if (lengthAndSize == -1) {
        return; // the remaining length is not all here yet
      }
      if (lengthAndSize == -2) {
        fail(in, out, new DecodeFailure(ReasonCode.MALFORMED_PACKET, "remaining length is longer than four bytes", type, protocolLevel));
        return;
      }
      int remaining = (int) (lengthAndSize >>> 8);
      int headerSize = 1 + (int) (lengthAndSize & 0xFF);
      if ((long) headerSize + remaining > maxPacketSize) {
        int level = type == PacketType.CONNECT && protocolLevel == 0 ? peekConnectLevel(in, start + headerSize) : protocolLevel;
        fail(in, out, new DecodeFailure(ReasonCode.PACKET_TOO_LARGE,
            "packet of " + (headerSize + (long) remaining) + " bytes exceeds the maximum of " + maxPacketSize, type, level));
        return;
      }
      if (in.readableBytes() < headerSize + remaining) {
        return; // wait for the whole packet
      }
      in.skipBytes(headerSize);
      int bodyStart = in.readerIndex();
      try {
        Packet packet = decodeBody(type, header & 0x0F, new PacketReader(in, remaining), remaining);
        in.readerIndex(bodyStart + remaining);
        out.add(packet);
      } catch (MalformedPacketException e) {
        fail(in, out, new DecodeFailure(e.reasonCode(), e.getMessage(), type, protocolLevel));
        return;
      }
    }
    if (failed) {
      in.skipBytes(in.readableBytes());
    }
  }

  private void fail(ByteBuf in, List<Object> out, DecodeFailure failure) {
    failed = true;
    in.skipBytes(in.readableBytes());
    out.add(failure);
  }

  /** Remaining length packed with its size in bytes; -1 when incomplete, -2 when too long. */
  private static long peekRemainingLength(ByteBuf in, int index) {
    int value = 0;
    int multiplier = 1;
    for (int i = 0; i < 4; i++) {
      if (index + i >= in.writerIndex()) {
        return -1;
      }
      int digit = in.getUnsignedByte(index + i);
      value += (digit & 0x7F) * multiplier;
      if ((digit & 0x80) == 0) {
        return ((long) value << 8) | (i + 1);
      }
      multiplier *= 128;
    }
    return -2;
  }

  /**
   * The protocol level of a CONNECT that is refused unread (too large), when its first bytes are
   * here and say MQTT 5: such a client is owed CONNACK 0x95 rather than a bare close. Else 0.
   */
  private static int peekConnectLevel(ByteBuf in, int index) {
    if (in.writerIndex() - index < 7) {
      return 0;
    }
    boolean mqtt = in.getUnsignedShort(index) == 4 && in.getByte(index + 2) == 'M' && in.getByte(index + 3) == 'Q'
        && in.getByte(index + 4) == 'T' && in.getByte(index + 5) == 'T';
    return mqtt && in.getUnsignedByte(index + 6) == 5 ? 5 : 0;
  }

  private Packet decodeBody(int type, int flags, PacketReader r, int remaining) throws MalformedPacketException {
    switch (type) {
      case PacketType.CONNECT:
        requireFlags(type, flags, 0);
        if (protocolLevel != 0) {
          // MQTT-3.1.0-2; decided here so that its protocol level cannot change how the rest is read.
          throw protocolError("second CONNECT on one connection");
        }
        return decodeConnect(r);
      case PacketType.PUBLISH:
        return decodePublish(flags, r);
      case PacketType.PUBACK:
      case PacketType.PUBREC:
      case PacketType.PUBCOMP:
        requireFlags(type, flags, 0);
        return decodeAck(type, r, remaining);
      case PacketType.PUBREL:
        requireFlags(type, flags, 2);
        return decodeAck(type, r, remaining);
      case PacketType.SUBSCRIBE:
        requireFlags(type, flags, 2);
        return decodeSubscribe(r);
      case PacketType.UNSUBSCRIBE:
        requireFlags(type, flags, 2);
        return decodeUnsubscribe(r);
      case PacketType.PINGREQ:
        requireFlags(type, flags, 0);
        if (remaining != 0) {
          throw malformed("PINGREQ with a body");
        }
        return SimplePacket.PINGREQ;
      case PacketType.DISCONNECT:
        requireFlags(type, flags, 0);
        return decodeReasonAndProperties(type, r, remaining);
      case PacketType.AUTH:
        requireFlags(type, flags, 0);
        if (protocolLevel != 5) {
          throw malformed("AUTH is an MQTT 5 packet");
        }
        return decodeReasonAndProperties(type, r, remaining);
      case PacketType.CONNACK:
      case PacketType.SUBACK:
      case PacketType.UNSUBACK:
      case PacketType.PINGRESP:
        throw protocolError(PacketType.name(type) + " is sent by servers, not by clients");
      default:
        throw malformed("reserved packet type 0");
    }
  }

  private static void requireFlags(int type, int flags, int expected) throws MalformedPacketException {
    if (flags != expected) {
      throw malformed("reserved flags of " + PacketType.name(type) + " must be " + expected + ", found " + flags);
    }
  }

  private ConnectPacket decodeConnect(PacketReader r) throws MalformedPacketException {
    String name = r.readString("protocol name");
    int level = r.readByte("protocol level");
    if (!("MQTT".equals(name) && (level == 4 || level == 5)) && !("MQIsdp".equals(name) && level == 3)) {
      if ("MQTT".equals(name) || "MQIsdp".equals(name)) {
        throw new MalformedPacketException(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, "unsupported protocol level " + level);
      }
      throw protocolError("unknown protocol name '" + name + "'");
    }
    protocolLevel = level;
    int flags = r.readByte("connect flags");
    if ((flags & 0x01) != 0 && level >= 4) {
      throw malformed("reserved connect flag is set");
    }
    boolean hasUser = (flags & 0x80) != 0;
    boolean hasPassword = (flags & 0x40) != 0;
    boolean willRetain = (flags & 0x20) != 0;
    int willQos = (flags >> 3) & 0x03;
    boolean willFlag = (flags & 0x04) != 0;
    boolean cleanStart = (flags & 0x02) != 0;
    if (willQos == 3) {
      throw malformed("will QoS 3");
    }
    if (!willFlag && (willQos != 0 || willRetain)) {
      throw malformed("will QoS or will retain set without the will flag");
    }
    if (hasPassword && !hasUser && level < 5) {
      throw malformed("password flag set without the user name flag");
    }
    int keepAlive = r.readUInt16("keep alive");
    PacketProperties props = level == 5 ? PropertyReader.read(r, PropertyReader.Scope.CONNECT) : PacketProperties.NONE;
    String clientId = r.readString("client identifier");
    ConnectPacket.WillSpec will = null;
    if (willFlag) {
      PacketProperties willProps = level == 5 ? PropertyReader.read(r, PropertyReader.Scope.WILL) : PacketProperties.NONE;
      String willTopic = r.readString("will topic");
      byte[] willPayload = r.readBinary("will payload");
      will = new ConnectPacket.WillSpec(willTopic, willPayload, willQos, willRetain, willProps);
    }
    String username = hasUser ? r.readString("user name") : null;
    byte[] password = hasPassword ? r.readBinary("password") : null;
    if (r.hasRemaining()) {
      throw malformed("CONNECT has " + r.remaining() + " bytes after its last field");
    }
    return new ConnectPacket(name, level, cleanStart, keepAlive, clientId, username, password, will, props);
  }

  private PublishPacket decodePublish(int flags, PacketReader r) throws MalformedPacketException {
    boolean dup = (flags & 0x08) != 0;
    int qos = (flags >> 1) & 0x03;
    boolean retain = (flags & 0x01) != 0;
    if (qos == 3) {
      throw malformed("PUBLISH with QoS 3");
    }
    if (qos == 0 && dup) {
      throw malformed("DUP set on a QoS 0 PUBLISH");
    }
    String topic = r.readString("topic name");
    int packetId = 0;
    if (qos > 0) {
      packetId = r.readUInt16("packet identifier");
      if (packetId == 0) {
        throw protocolError("packet identifier 0"); // MQTT-2.2.1-3: parsed, but a value not allowed
      }
    }
    PacketProperties props = protocolLevel == 5 ? PropertyReader.read(r, PropertyReader.Scope.PUBLISH) : PacketProperties.NONE;
    return new PublishPacket(topic, qos, dup, retain, packetId, props, r.readRest());
  }

  private AckPacket decodeAck(int type, PacketReader r, int remaining) throws MalformedPacketException {
    int packetId = r.readUInt16("packet identifier");
    if (packetId == 0) {
      throw protocolError("packet identifier 0"); // MQTT-2.2.1-3: parsed, but a value not allowed
    }
    if (protocolLevel < 5) {
      if (remaining != 2) {
        throw malformed(PacketType.name(type) + " must have a remaining length of 2");
      }
      return AckPacket.of(type, packetId, ReasonCode.SUCCESS);
    }
    int reason = r.hasRemaining() ? r.readByte("reason code") : ReasonCode.SUCCESS;
    PacketProperties props = r.hasRemaining() ? PropertyReader.read(r, PropertyReader.Scope.ACK) : PacketProperties.NONE;
    if (r.hasRemaining()) {
      throw malformed(PacketType.name(type) + " has bytes after its properties");
    }
    return new AckPacket(type, packetId, reason, props);
  }

  private SubscribePacket decodeSubscribe(PacketReader r) throws MalformedPacketException {
    int packetId = r.readUInt16("packet identifier");
    if (packetId == 0) {
      throw protocolError("packet identifier 0"); // MQTT-2.2.1-3: parsed, but a value not allowed
    }
    PacketProperties props = protocolLevel == 5 ? PropertyReader.read(r, PropertyReader.Scope.SUBSCRIBE) : PacketProperties.NONE;
    List<SubscribePacket.Request> requests = new ArrayList<>(2);
    while (r.hasRemaining()) {
      String filter = r.readString("topic filter");
      int options = r.readByte("subscription options");
      int qos = options & 0x03;
      if (qos == 3) {
        throw malformed("subscription with QoS 3");
      }
      if (protocolLevel < 5) {
        if ((options & 0xFC) != 0) {
          throw malformed("reserved bits of the requested QoS byte are set");
        }
        requests.add(new SubscribePacket.Request(filter, qos, false, false, 0));
      } else {
        if ((options & 0xC0) != 0) {
          throw malformed("reserved bits of the subscription options are set");
        }
        int retainHandling = (options >> 4) & 0x03;
        if (retainHandling == 3) {
          throw protocolError("retain handling 3");
        }
        requests.add(new SubscribePacket.Request(filter, qos, (options & 0x04) != 0, (options & 0x08) != 0, retainHandling));
      }
    }
    if (requests.isEmpty()) {
      throw protocolError("SUBSCRIBE without a topic filter");
    }
    return new SubscribePacket(packetId, requests, props);
  }

  private UnsubscribePacket decodeUnsubscribe(PacketReader r) throws MalformedPacketException {
    int packetId = r.readUInt16("packet identifier");
    if (packetId == 0) {
      throw protocolError("packet identifier 0"); // MQTT-2.2.1-3: parsed, but a value not allowed
    }
    PacketProperties props = protocolLevel == 5 ? PropertyReader.read(r, PropertyReader.Scope.UNSUBSCRIBE) : PacketProperties.NONE;
    List<String> filters = new ArrayList<>(2);
    while (r.hasRemaining()) {
      filters.add(r.readString("topic filter"));
    }
    if (filters.isEmpty()) {
      throw protocolError("UNSUBSCRIBE without a topic filter");
    }
    return new UnsubscribePacket(packetId, filters, props);
  }

  private SimplePacket decodeReasonAndProperties(int type, PacketReader r, int remaining) throws MalformedPacketException {
    if (protocolLevel < 5) {
      if (remaining != 0) {
        throw malformed(PacketType.name(type) + " with a body");
      }
      return new SimplePacket(type, ReasonCode.SUCCESS, PacketProperties.NONE);
    }
    int reason = r.hasRemaining() ? r.readByte("reason code") : ReasonCode.SUCCESS;
    PacketProperties props = r.hasRemaining()
        ? PropertyReader.read(r, type == PacketType.AUTH ? PropertyReader.Scope.AUTH : PropertyReader.Scope.DISCONNECT) : PacketProperties.NONE;
    if (r.hasRemaining()) {
      throw malformed(PacketType.name(type) + " has bytes after its properties");
    }
    return new SimplePacket(type, reason, props);
  }
}
