package io.shadowmq.broker.codec;

import static io.shadowmq.broker.codec.MalformedPacketException.malformed;
import static io.shadowmq.broker.codec.MalformedPacketException.protocolError;

/**
 * Reads the MQTT 5 property section of a packet (section 2.2.2): which identifiers each packet may
 * carry, each value's type and range, and which may not repeat.
 */
final class PropertyReader {
  private PropertyReader() {
  }

  /** The packets (and the will) that carry properties, with the property identifiers each may hold. */
  enum Scope {
    CONNECT(PacketProperties.SESSION_EXPIRY_INTERVAL, PacketProperties.RECEIVE_MAXIMUM, PacketProperties.MAXIMUM_PACKET_SIZE,
        PacketProperties.TOPIC_ALIAS_MAXIMUM, PacketProperties.REQUEST_RESPONSE_INFORMATION,
        PacketProperties.REQUEST_PROBLEM_INFORMATION, PacketProperties.USER_PROPERTY,
        PacketProperties.AUTHENTICATION_METHOD, PacketProperties.AUTHENTICATION_DATA),
    WILL(PacketProperties.WILL_DELAY_INTERVAL, PacketProperties.PAYLOAD_FORMAT_INDICATOR, PacketProperties.MESSAGE_EXPIRY_INTERVAL,
        PacketProperties.CONTENT_TYPE, PacketProperties.RESPONSE_TOPIC, PacketProperties.CORRELATION_DATA,
        PacketProperties.USER_PROPERTY),
    PUBLISH(PacketProperties.PAYLOAD_FORMAT_INDICATOR, PacketProperties.MESSAGE_EXPIRY_INTERVAL, PacketProperties.TOPIC_ALIAS,
        PacketProperties.RESPONSE_TOPIC, PacketProperties.CORRELATION_DATA, PacketProperties.USER_PROPERTY,
        PacketProperties.CONTENT_TYPE),
    ACK(PacketProperties.REASON_STRING, PacketProperties.USER_PROPERTY),
    SUBSCRIBE(PacketProperties.SUBSCRIPTION_IDENTIFIER, PacketProperties.USER_PROPERTY),
    UNSUBSCRIBE(PacketProperties.USER_PROPERTY),
    DISCONNECT(PacketProperties.SESSION_EXPIRY_INTERVAL, PacketProperties.REASON_STRING, PacketProperties.USER_PROPERTY,
        PacketProperties.SERVER_REFERENCE),
    AUTH(PacketProperties.AUTHENTICATION_METHOD, PacketProperties.AUTHENTICATION_DATA, PacketProperties.REASON_STRING,
        PacketProperties.USER_PROPERTY);

    private final long allowed;

    Scope(int... ids) {
      long mask = 0;
      for (int id : ids) {
        mask |= 1L << id;
      }
      this.allowed = mask;
    }

    boolean allows(int id) {
      return id < 64 && (allowed & (1L << id)) != 0;
    }
  }

  static PacketProperties read(PacketReader r, Scope scope) throws MalformedPacketException {
    int length = r.readVarInt("property length");
    if (length == 0) {
      return PacketProperties.NONE;
    }
    if (length > r.remaining()) {
      throw malformed("property length runs past the end of the packet");
    }
    int endRemaining = r.remaining() - length;
    PacketProperties p = new PacketProperties();
    long seen = 0;
    while (r.remaining() > endRemaining) {
      int id = r.readVarInt("property identifier");
      if (id >= 64 || !scope.allows(id)) {
        if (scope == Scope.PUBLISH && id == PacketProperties.SUBSCRIPTION_IDENTIFIER) {
          // Valid in a PUBLISH, only not from a client (MQTT-3.3.4-6): a protocol error, not a malformed packet.
          throw protocolError("a PUBLISH from a client must not carry a subscription identifier");
        }
        // Section 2.2.2.2: an identifier not valid for the packet type makes a malformed packet.
        throw malformed("property 0x" + Integer.toHexString(id) + " is not valid in " + scope);
      }
      if (id != PacketProperties.USER_PROPERTY) {
        if ((seen & (1L << id)) != 0) {
          throw protocolError("property 0x" + Integer.toHexString(id) + " appears twice");
        }
        seen |= 1L << id;
      }
      readProperty(r, id, p);
    }
    if (r.remaining() != endRemaining) {
      throw malformed("a property runs past the property length");
    }
    return p;
  }

  private static void readProperty(PacketReader r, int id, PacketProperties p) throws MalformedPacketException {
    switch (id) {
      case PacketProperties.PAYLOAD_FORMAT_INDICATOR:
        p.payloadFormatIndicator = zeroOrOne(r.readByte("payload format indicator"), "payload format indicator");
        break;
      case PacketProperties.MESSAGE_EXPIRY_INTERVAL:
        p.messageExpiryInterval = r.readUInt32("message expiry interval");
        break;
      case PacketProperties.CONTENT_TYPE:
        p.contentType = r.readString("content type");
        break;
      case PacketProperties.RESPONSE_TOPIC:
        p.responseTopic = r.readString("response topic");
        if (p.responseTopic.isEmpty() || p.responseTopic.indexOf('+') >= 0 || p.responseTopic.indexOf('#') >= 0) {
          throw protocolError("response topic must be a topic name, without wildcards"); // MQTT-3.3.2-14, 4.7.3-1
        }
        break;
      case PacketProperties.CORRELATION_DATA:
        p.correlationData = r.readBinary("correlation data");
        break;
      case PacketProperties.SUBSCRIPTION_IDENTIFIER:
        int subId = r.readVarInt("subscription identifier");
        if (subId == 0) {
          throw protocolError("subscription identifier 0");
        }
        p.subscriptionIdentifiers = new int[] {subId};
        break;
      case PacketProperties.SESSION_EXPIRY_INTERVAL:
        p.sessionExpiryInterval = r.readUInt32("session expiry interval");
        break;
      case PacketProperties.AUTHENTICATION_METHOD:
        p.authenticationMethod = r.readString("authentication method");
        break;
      case PacketProperties.AUTHENTICATION_DATA:
        p.authenticationData = r.readBinary("authentication data");
        break;
      case PacketProperties.REQUEST_PROBLEM_INFORMATION:
        p.requestProblemInformation = zeroOrOne(r.readByte("request problem information"), "request problem information");
        break;
      case PacketProperties.WILL_DELAY_INTERVAL:
        p.willDelayInterval = r.readUInt32("will delay interval");
        break;
      case PacketProperties.REQUEST_RESPONSE_INFORMATION:
        p.requestResponseInformation = zeroOrOne(r.readByte("request response information"), "request response information");
        break;
      case PacketProperties.SERVER_REFERENCE:
        p.serverReference = r.readString("server reference");
        break;
      case PacketProperties.REASON_STRING:
        p.reasonString = r.readString("reason string");
        break;
      case PacketProperties.RECEIVE_MAXIMUM:
        p.receiveMaximum = r.readUInt16("receive maximum");
        if (p.receiveMaximum == 0) {
          throw protocolError("receive maximum 0");
        }
        break;
      case PacketProperties.TOPIC_ALIAS_MAXIMUM:
        p.topicAliasMaximum = r.readUInt16("topic alias maximum");
        break;
      case PacketProperties.TOPIC_ALIAS:
        p.topicAlias = r.readUInt16("topic alias");
        break;
      case PacketProperties.USER_PROPERTY:
        p.addUserProperty(r.readString("user property name"), r.readString("user property value"));
        break;
      case PacketProperties.MAXIMUM_PACKET_SIZE:
        p.maximumPacketSize = r.readUInt32("maximum packet size");
        if (p.maximumPacketSize == 0) {
          throw protocolError("maximum packet size 0");
        }
        break;
      default:
        throw malformed("property 0x" + Integer.toHexString(id) + " is not valid here");
    }
  }

  private static int zeroOrOne(int value, String what) throws MalformedPacketException {
    if (value > 1) {
      throw protocolError(what + " must be 0 or 1, found " + value);
    }
    return value;
  }
}
