package io.shadowmq.broker.mqtt;

import io.shadowmq.broker.auth.Authenticator;
import io.shadowmq.broker.auth.LoginThrottle;
import io.shadowmq.broker.auth.Security;
import io.shadowmq.broker.codec.ConnAckPacket;
import io.shadowmq.broker.codec.ConnectPacket;
import io.shadowmq.broker.codec.PacketProperties;
import io.shadowmq.broker.codec.ReasonCode;
import io.shadowmq.broker.codec.Utf8;
import io.shadowmq.broker.config.MqttSettings;
import io.shadowmq.broker.metrics.BrokerMetrics.Denial;
import io.shadowmq.broker.metrics.BrokerMetrics.Refusal;
import io.shadowmq.broker.session.SessionRegistry;
import io.shadowmq.shadow.device.DeviceVerifier;
import io.vertx.core.AsyncResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * CONNECT: checks what the client asks for against the broker's rules and limits, authenticates
 * it (after a delay when its address or client id failed repeatedly), checks its will against the
 * access rules, opens (or takes over) the client's session, and answers with CONNACK and the
 * limits the client must keep.
 */
final class ConnectHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);
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
      // A client that logs in by user name but sends no id is that device.
      String username = connect.username();
      c.clientId = username != null && !username.isEmpty() ? username : "auto-" + UUID.randomUUID();
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
    int keptServerKeepAlive = serverKeepAlive;
    boolean wasAssigned = assigned;
    authenticate(c, connect, () -> open(c, connect, wasAssigned, keptServerKeepAlive));
  }

  /** Authenticates the client, then runs {@code next} on its loop, or refuses it. */
  private void authenticate(MqttConnection c, ConnectPacket connect, Runnable next) {
    Security security = broker.security();
    String address = c.transport.remoteHost();
    LoginThrottle.Verdict throttle = security.throttle().check(address, c.clientId);
    if (throttle.refused()) {
      LOG.debug("login of {} from {} refused: too many failed logins recently", c.clientId, address);
      c.refuse(ReasonCode.NOT_AUTHORIZED, "not authorized", Refusal.LOGIN_BLOCKED);
      return;
    }
    Authenticator.Attempt attempt = new Authenticator.Attempt(c.clientId, connect.username(), connect.password(),
        c.transport.peerCertificate(), address);
    Runnable check = () -> {
      if (c.isOpen()) { // a delayed client may have given up meanwhile
        security.authenticator().authenticate(attempt)
            .onComplete(ar -> c.onLoop(() -> authenticated(c, connect, ar, address, next)));
      }
    };
    if (throttle.delayMillis() > 0) {
      c.transport.loop().schedule(check, throttle.delayMillis(), TimeUnit.MILLISECONDS);
    } else {
      check.run();
    }
  }

  private void authenticated(MqttConnection c, ConnectPacket connect, AsyncResult<Authenticator.Outcome> ar,
                             String address, Runnable next) {
    if (!c.isOpen()) {
      return; // the client went away while its credentials were checked
    }
    if (ar.failed()) {
      if (ar.cause() instanceof DeviceVerifier.BusyException) {
        c.refuse(ReasonCode.SERVER_BUSY, "server busy, retry later", Refusal.AUTH_BUSY);
      } else {
        LOG.warn("credentials of {} cannot be checked: {}", c.clientId, ar.cause().toString());
        c.refuse(ReasonCode.SERVER_UNAVAILABLE, "server unavailable, retry later", Refusal.STORAGE);
      }
      return;
    }
    Authenticator.Outcome outcome = ar.result();
    Security security = broker.security();
    if (!outcome.accepted()) {
      security.throttle().failed(address, c.clientId);
      broker.metrics().authFailed();
      LOG.info("login refused: client id {} from {}: {}", c.clientId, address, outcome.why());
      // The client learns the code only, not why.
      c.refuse(outcome.reasonCode(), outcome.reasonCode() == ReasonCode.BAD_USER_NAME_OR_PASSWORD
          ? "bad user name or password" : "not authorized", outcome.refusal());
      return;
    }
    security.throttle().succeeded(c.clientId);
    c.access = security.authorizer().access(outcome.identity());
    if (connect.will() != null && !c.access.canPublish(connect.will().topic())) {
      broker.metrics().denied(Denial.WILL);
      c.refuse(ReasonCode.NOT_AUTHORIZED, "not authorized to publish the will", Refusal.NOT_AUTHORIZED);
      return;
    }
    next.run();
  }

  private void open(MqttConnection c, ConnectPacket connect, boolean assigned, int serverKeepAlive) {
    PacketProperties props = connect.properties();
    boolean v5 = c.isV5();
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
