package io.shadowmq.broker.mqtt;

import io.shadowmq.broker.codec.ConnAckPacket;
import io.shadowmq.broker.codec.ConnectPacket;
import io.shadowmq.broker.codec.PacketProperties;
import io.shadowmq.broker.codec.ReasonCode;
import io.shadowmq.broker.codec.Utf8;
import io.shadowmq.broker.config.MqttSettings;
import io.shadowmq.broker.metrics.BrokerMetrics.Refusal;
import io.shadowmq.broker.session.SessionRegistry;

import java.util.UUID;

/**
 * CONNECT: checks what the client asks for against the broker's rules and limits, opens (or takes
 * over) the client's session, and answers with CONNACK and the limits the client must keep.
 */
final class ConnectHandler {
  private static final long NEVER_EXPIRES = 0xFFFF_FFFFL;

  private final MqttBroker broker;
  private final MqttSettings settings;

  ConnectHandler(MqttBroker broker) {
    this.broker = broker;
    this.settings = broker.settings();
  }

  void onConnect(MqttConnection c, ConnectPacket connect) {
    c.protocolLevel = connect.protocolLevel();
    PacketProperties props = connect.properties();
    boolean v5 = c.isV5();
    c.clientId = connect.clientId();
    if (v5 && props.requestProblemInformation == 0) {
      c.problemInformation = false;
    }
    if (v5 && props.maximumPacketSize > 0) {
      c.clientMaximumPacketSize = props.maximumPacketSize; // binds the CONNACK too, refusals included
    }
    if (v5 && props.authenticationMethod != null) {
      c.refuse(ReasonCode.BAD_AUTHENTICATION_METHOD, "enhanced authentication is not supported", Refusal.AUTH_METHOD);
      return;
    }
    if (v5 && props.authenticationData != null) {
      c.refuse(ReasonCode.PROTOCOL_ERROR, "authentication data without a method", Refusal.PROTOCOL_ERROR);
      return;
    }

    boolean assigned = false;
    if (c.clientId.isEmpty()) {
      if (!connect.cleanStart() && !v5) {
        // MQTT-3.1.3-8: a 3.1.1 client without an id must ask for a clean session.
        c.refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "an empty client id needs clean session", Refusal.CLIENT_ID);
        return;
      }
      c.clientId = "auto-" + UUID.randomUUID();
      assigned = true;
    } else if (c.clientId.length() > settings.maxClientIdLength()) {
      c.refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
          "client id longer than " + settings.maxClientIdLength() + " characters", Refusal.CLIENT_ID);
      return;
    }

    int keepAlive = connect.keepAliveSeconds();
    int serverKeepAlive = -1;
    int maxKeepAlive = settings.maxKeepAliveSeconds();
    if (maxKeepAlive > 0 && (keepAlive == 0 || keepAlive > maxKeepAlive)) {
      if (!v5) {
        // 3.1.1 has no way to tell the client another keep-alive (Mosquitto does the same).
        c.refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "keep-alive above the maximum of " + maxKeepAlive + " s",
            Refusal.KEEP_ALIVE);
        return;
      }
      keepAlive = maxKeepAlive;
      serverKeepAlive = maxKeepAlive;
    }
    c.keepAliveNanos = keepAlive * 1_000_000_000L;

    if (connect.will() != null && !checkWill(c, connect.will())) {
      return;
    }
    if (!broker.connectRate().tryAcquire()) {
      c.refuse(v5 ? ReasonCode.CONNECTION_RATE_EXCEEDED : ReasonCode.SERVER_UNAVAILABLE,
          "connection rate exceeded, retry later", Refusal.CONNECT_RATE);
      return;
    }

    long requestedExpiry = v5 ? Math.max(0, props.sessionExpiryInterval) : (connect.cleanStart() ? 0 : NEVER_EXPIRES);
    long expiry = Math.min(requestedExpiry, settings.maxSessionExpirySeconds());
    c.sessionExpiryWasZero = requestedExpiry == 0;
    if (v5) {
      if (props.receiveMaximum > 0) {
        c.clientReceiveMaximum = props.receiveMaximum;
      }
      if (props.topicAliasMaximum > 0) {
        c.outboundAliases = new OutboundTopicAliases(props.topicAliasMaximum);
      }
      if (settings.topicAliasMaximum() > 0) {
        c.inboundAliases = new InboundTopicAliases(settings.topicAliasMaximum());
      }
    }
    c.will = connect.will();

    PacketProperties ack = PacketProperties.NONE;
    if (v5) {
      ack = new PacketProperties();
      if (assigned) {
        ack.assignedClientIdentifier = c.clientId;
      }
      if (serverKeepAlive >= 0) {
        ack.serverKeepAlive = serverKeepAlive;
      }
      if (expiry != requestedExpiry) {
        ack.sessionExpiryInterval = expiry;
      }
      ack.receiveMaximum = settings.receiveMaximum();
      ack.maximumPacketSize = settings.maxPacketSize();
      ack.topicAliasMaximum = settings.topicAliasMaximum();
    }
    PacketProperties ackProps = ack;
    boolean cleanStart = connect.cleanStart();
    broker.sessions().open(c.clientId, cleanStart, expiry, c.transport.loop(), c::isOpen).onComplete(ar -> {
      if (ar.failed()) {
        if (c.isOpen()) { // else the connection closed while its session was being opened
          c.refuse(ReasonCode.SERVER_UNAVAILABLE, "the session's stored messages cannot be read now", Refusal.STORAGE);
        }
        return;
      }
      SessionRegistry.Opened opened = ar.result();
      opened.session().expirySeconds(expiry);
      boolean present = !cleanStart && opened.present();
      c.connected(opened.session(), new ConnAckPacket(present, ReasonCode.SUCCESS, ackProps));
    });
  }

  private boolean checkWill(MqttConnection c, ConnectPacket.WillSpec will) {
    String problem = PublishHandler.topicProblem(will.topic(), settings);
    if (problem != null) {
      if (c.isV5()) {
        c.refuse(ReasonCode.TOPIC_NAME_INVALID, "will topic: " + problem, Refusal.PROTOCOL_ERROR);
      } else {
        broker.metrics().refused(Refusal.PROTOCOL_ERROR);
        c.protocolError(ReasonCode.TOPIC_NAME_INVALID, "will topic: " + problem); // 3.1.1 has no code for it
      }
      return false;
    }
    if (will.properties().payloadFormatIndicator == 1 && !Utf8.isWellFormed(will.payload())) {
      c.refuse(ReasonCode.PAYLOAD_FORMAT_INVALID, "will payload is not UTF-8", Refusal.PROTOCOL_ERROR);
      return false;
    }
    return true;
  }
}
