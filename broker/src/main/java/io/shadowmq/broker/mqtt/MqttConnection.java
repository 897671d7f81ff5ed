package io.shadowmq.broker.mqtt;

import io.netty.buffer.ByteBuf;
import io.shadowmq.broker.auth.Access;
import io.shadowmq.broker.codec.AckPacket;
import io.shadowmq.broker.codec.ConnAckPacket;
import io.shadowmq.broker.codec.ConnectPacket;
import io.shadowmq.broker.codec.DecodeFailure;
import io.shadowmq.broker.codec.MqttEncoder;
import io.shadowmq.broker.codec.Packet;
import io.shadowmq.broker.codec.PacketProperties;
import io.shadowmq.broker.codec.PacketType;
import io.shadowmq.broker.codec.PublishPacket;
import io.shadowmq.broker.codec.ReasonCode;
import io.shadowmq.broker.codec.SimplePacket;
import io.shadowmq.broker.codec.SubscribePacket;
import io.shadowmq.broker.codec.UnsubscribePacket;
import io.shadowmq.broker.loop.LoopMember;
import io.shadowmq.broker.metrics.BrokerMetrics.Close;
import io.shadowmq.broker.metrics.BrokerMetrics.Refusal;
import io.shadowmq.broker.routing.Delivery;
import io.shadowmq.broker.routing.Message;
import io.shadowmq.broker.session.ClientLink;
import io.shadowmq.broker.session.Session;
import io.shadowmq.broker.transport.ClientTransport;
import io.shadowmq.broker.transport.PacketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * One client connection's MQTT protocol state, from the first CONNECT to the close: keep-alive,
 * the negotiated limits, topic aliases, the will, and the dispatch of each packet. Lives on the
 * connection's event loop; CONNECT, PUBLISH and SUBSCRIBE/UNSUBSCRIBE are handled by their own
 * classes, the QoS state of outgoing messages by the {@link Session}.
 */
final class MqttConnection implements PacketListener, ClientLink, LoopMember {
  static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

  private static final int AWAITING_CONNECT = 0;
  private static final int CONNECTING = 1;
  private static final int CONNECTED = 2;
  private static final int CLOSED = 3;

  final MqttBroker broker;
  final ClientTransport transport;
  private final long openedNanos = System.nanoTime();
  private int state = AWAITING_CONNECT;
  private int loopSlot = -1;
  private long lastReadNanos = openedNanos;
  private List<Packet> pendingWhileConnecting;
  private Close closeReason; // null until the broker or the client ends the connection on purpose

  // Negotiated at CONNECT.
  int protocolLevel = 4;
  String clientId;
  Access access;
  Session session;
  long keepAliveNanos;
  boolean sessionExpiryWasZero;
  boolean problemInformation = true;
  int clientReceiveMaximum = 65_535;
  long clientMaximumPacketSize = Long.MAX_VALUE;
  InboundTopicAliases inboundAliases;
  OutboundTopicAliases outboundAliases;
  ConnectPacket.WillSpec will;
  private boolean willCancelled;

  MqttConnection(MqttBroker broker, ClientTransport transport) {
    this.broker = broker;
    this.transport = transport;
    broker.metrics().connectionOpened();
    transport.loop().add(this);
  }

  boolean isV5() {
    return protocolLevel == 5;
  }

  // ---- inbound -------------------------------------------------------------------------------

  @Override
  public void onPacket(Packet packet) {
    lastReadNanos = System.nanoTime();
    switch (state) {
      case AWAITING_CONNECT:
        if (packet instanceof ConnectPacket connect) {
          state = CONNECTING;
          pendingWhileConnecting = new ArrayList<>(2);
          transport.pauseReading();
          broker.connectHandler().onConnect(this, connect);
        } else {
          LOG.debug("{} sent {} before CONNECT", transport.remoteAddress(), PacketType.name(packet.type()));
          broker.metrics().refused(Refusal.PROTOCOL_ERROR);
          endAs(Close.PROTOCOL_ERROR);
          closeNow();
        }
        break;
      case CONNECTING:
        pendingWhileConnecting.add(packet);
        break;
      case CONNECTED:
        dispatch(packet);
        break;
      default:
        break; // closed: ignore what was already decoded
    }
  }

  private void dispatch(Packet packet) {
    switch (packet.type()) {
      case PacketType.PUBLISH:
        broker.publishHandler().onPublish(this, (PublishPacket) packet);
        break;
      case PacketType.PUBACK:
        session.onPubAck(((AckPacket) packet).packetId());
        break;
      case PacketType.PUBREC: {
        AckPacket ack = (AckPacket) packet;
        int reason = session.onPubRec(ack.packetId(), ack.reasonCode());
        if (reason >= 0) {
          send(new AckPacket(PacketType.PUBREL, ack.packetId(), isV5() ? reason : 0, PacketProperties.NONE));
        }
        break;
      }
      case PacketType.PUBREL: {
        int packetId = ((AckPacket) packet).packetId();
        boolean known = session.incomingQos2().released(packetId);
        send(new AckPacket(PacketType.PUBCOMP, packetId,
            known || !isV5() ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, PacketProperties.NONE));
        break;
      }
      case PacketType.PUBCOMP:
        session.onPubComp(((AckPacket) packet).packetId());
        break;
      case PacketType.SUBSCRIBE:
        broker.subscribeHandler().onSubscribe(this, (SubscribePacket) packet);
        break;
      case PacketType.UNSUBSCRIBE:
        broker.subscribeHandler().onUnsubscribe(this, (UnsubscribePacket) packet);
        break;
      case PacketType.PINGREQ:
        send(SimplePacket.PINGRESP);
        break;
      case PacketType.DISCONNECT:
        onDisconnect((SimplePacket) packet);
        break;
      case PacketType.CONNECT:
        protocolError(ReasonCode.PROTOCOL_ERROR, "second CONNECT on one connection");
        break;
      default:
        protocolError(ReasonCode.PROTOCOL_ERROR, PacketType.name(packet.type()) + " is not supported here");
        break;
    }
  }

  private void onDisconnect(SimplePacket disconnect) {
    if (isV5()) {
      long expiry = disconnect.properties().sessionExpiryInterval;
      if (expiry >= 0) {
        if (sessionExpiryWasZero && expiry > 0) {
          protocolError(ReasonCode.PROTOCOL_ERROR, "session expiry set on DISCONNECT after CONNECT said 0");
          return;
        }
        session.expirySeconds(Math.min(expiry, broker.settings().maxSessionExpirySeconds()));
      }
    }
    // MQTT-3.14.4-3: only a normal DISCONNECT (3.1.1, or reason 0x00) deletes the will; 0x04 and
    // the error reasons leave it to be published (MQTT-3.1.2-8).
    willCancelled = !isV5() || disconnect.reasonCode() == ReasonCode.SUCCESS;
    endAs(Close.CLIENT_DISCONNECT);
    state = CLOSED;
    transport.close();
  }

  @Override
  public void onDecodeFailure(DecodeFailure failure) {
    Refusal refusal = failure.reasonCode() == ReasonCode.PACKET_TOO_LARGE ? Refusal.PACKET_TOO_LARGE
        : failure.reasonCode() == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION ? Refusal.PROTOCOL_VERSION
        : failure.reasonCode() == ReasonCode.MALFORMED_PACKET ? Refusal.MALFORMED_PACKET : Refusal.PROTOCOL_ERROR;
    broker.metrics().refused(refusal);
    endAs(Close.PROTOCOL_ERROR);
    LOG.debug("{} ({}) sent a bad {}: {}", transport.remoteAddress(), clientId,
        PacketType.name(failure.packetType()), failure.message());
    if (state == AWAITING_CONNECT) {
      if (failure.reasonCode() == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION) {
        protocolLevel = 4; // answer in the 3.1.1 format every client version can read
        closeAfter(new ConnAckPacket(false, ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION, PacketProperties.NONE));
      } else if (failure.packetType() == PacketType.CONNECT && failure.protocolLevel() == 5) {
        protocolLevel = 5;
        closeAfter(new ConnAckPacket(false, failure.reasonCode(), reason(failure.message())));
      } else {
        closeNow();
      }
    } else {
      protocolError(failure.reasonCode(), failure.message());
    }
  }

  /** Ends the connection for a protocol violation: MQTT 5 clients get DISCONNECT with the reason. */
  void protocolError(int reasonCode, String message) {
    endAs(Close.PROTOCOL_ERROR);
    LOG.debug("closing {} ({}): {}", transport.remoteAddress(), clientId, message);
    if (isV5() && state == CONNECTED) {
      closeAfter(SimplePacket.disconnect(reasonCode, reason(message)));
    } else {
      closeNow();
    }
  }

  @Override
  public void onWritable() {
    if (session != null && state == CONNECTED) {
      session.drainQueue();
    }
  }

  @Override
  public void onClosed() {
    int previous = state;
    state = CLOSED;
    transport.loop().remove(this);
    broker.metrics().connectionClosed(closeReason == null ? Close.CONNECTION_LOST : closeReason);
    if (previous != AWAITING_CONNECT) {
      detachSession();
    }
  }

  /** Lets the session go as a closed connection does: the will unless DISCONNECT deleted it. Idempotent. */
  private void detachSession() {
    if (session != null) {
      boolean publishWill = will != null && !willCancelled && !broker.isShuttingDown();
      session.detach(this, publishWill ? willMessage() : null, publishWill ? willDelaySeconds() : 0);
    }
  }

  // ---- CONNECT outcome, called by ConnectHandler ------------------------------------------------

  /** The session is open and owned by this loop: CONNACK, attach, then what arrived meanwhile. */
  void connected(Session opened, ConnAckPacket connAck) {
    if (state != CONNECTING || !transport.isOpen()) {
      opened.abandon();
      return;
    }
    session = opened;
    send(connAck);
    state = CONNECTED;
    broker.metrics().connected();
    session.attach(this);
    transport.resumeReading();
    List<Packet> pending = pendingWhileConnecting;
    pendingWhileConnecting = null;
    for (Packet p : pending) {
      if (state != CONNECTED) {
        break;
      }
      dispatch(p);
    }
  }

  /** Refuses the CONNECT with a CONNACK reason code (converted for 3.1.1 clients) and closes. */
  void refuse(int reasonCode, String message, Refusal refusal) {
    broker.metrics().refused(refusal);
    endAs(Close.REFUSED);
    LOG.debug("refused CONNECT of {} from {}: {}", clientId, transport.remoteAddress(), message);
    int code = isV5() ? reasonCode : ReasonCode.toV3ConnAck(reasonCode);
    closeAfter(new ConnAckPacket(false, code, isV5() ? reason(message) : PacketProperties.NONE));
  }

  /** Runs {@code task} on this connection's loop: now when called there, else as a task for it. */
  void onLoop(Runnable task) {
    if (transport.loop().inLoop()) {
      task.run();
    } else {
      transport.loop().execute(task);
    }
  }

  // ---- outbound ------------------------------------------------------------------------------

  void send(Packet packet) {
    transport.write(encode(packet));
  }

  private void closeAfter(Packet packet) {
    state = CLOSED;
    transport.writeAndClose(encode(packet));
  }

  private ByteBuf encode(Packet packet) {
    return MqttEncoder.encode(transport.alloc(), packet, protocolLevel, clientMaximumPacketSize);
  }

  private void closeNow() {
    state = CLOSED;
    transport.close();
  }

  /** Reason string for MQTT 5 acknowledgements, unless the client asked for no problem information. */
  PacketProperties reason(String message) {
    return problemInformation ? new PacketProperties().reasonString(message) : PacketProperties.NONE;
  }

  /** Records why the connection ends; the first reason given wins. */
  private void endAs(Close reason) {
    if (closeReason == null) {
      closeReason = reason;
    }
  }

  @Override
  public boolean isOpen() {
    return state != CLOSED && transport.isOpen();
  }

  @Override
  public String remoteAddress() {
    return transport.remoteAddress();
  }

  @Override
  public int protocolLevel() {
    return protocolLevel;
  }

  @Override
  public String listener() {
    return transport.kind();
  }

  @Override
  public boolean isWritable() {
    return transport.isWritable();
  }

  @Override
  public int receiveMaximum() {
    return clientReceiveMaximum;
  }

  @Override
  public boolean sendPublish(Delivery d, int packetId, boolean dup) {
    Message m = d.message();
    long expiry = isV5() ? m.remainingExpirySeconds(System.currentTimeMillis()) : -1;
    if (SharedEncodings.shareable(d.qos(), d.subscriptionIds(), outboundAliases != null, expiry)
        && clientMaximumPacketSize == Long.MAX_VALUE) {
      transport.write(SharedEncodings.current().publishQos0(transport.loop(), transport.alloc(), m, protocolLevel,
          d.retain()));
      return true;
    }
    String topic = m.topic();
    int known = outboundAliases == null ? 0 : outboundAliases.known(topic);
    boolean newAlias = outboundAliases != null && known == 0;
    if (clientMaximumPacketSize != Long.MAX_VALUE) {
      // MQTT-3.1.2-24: never send a client more than it accepts, alias included (any alias takes 3 bytes).
      long size = MqttEncoder.publishSize(protocolLevel, known > 0 ? "" : topic, d.qos(), m.payload(), m.properties(),
          expiry, d.subscriptionIds(), known > 0 || newAlias ? 1 : -1);
      if (size > clientMaximumPacketSize) {
        if (!newAlias || MqttEncoder.publishSize(protocolLevel, topic, d.qos(), m.payload(), m.properties(), expiry,
            d.subscriptionIds(), -1) > clientMaximumPacketSize) {
          return false;
        }
        newAlias = false; // no room for a new alias: send the topic alone
      }
    }
    int alias = -1;
    if (known > 0) {
      alias = known; // the client knows this alias: send the alias alone
      topic = "";
    } else if (newAlias) {
      alias = outboundAliases.assign(topic); // sent with the topic
    }
    ByteBuf buf = MqttEncoder.encodePublish(transport.alloc(), protocolLevel, topic, d.qos(), dup, d.retain(), packetId,
        m.payload(), m.properties(), expiry, d.subscriptionIds(), alias);
    transport.write(buf);
    return true;
  }

  @Override
  public void sendPubRel(int packetId) {
    send(AckPacket.of(PacketType.PUBREL, packetId, ReasonCode.SUCCESS));
  }

  @Override
  public void evict(int reasonCode, String message) {
    if (state == CLOSED) {
      // Closing (after DISCONNECT or an error) but not closed yet: the session is let go now, as it
      // would be a moment later, so that the connection taking it over finds it detached, or ended
      // when its expiry is 0, and does not resume a session that is gone.
      detachSession();
      return;
    }
    endAs(reasonCode == ReasonCode.SESSION_TAKEN_OVER ? Close.TAKEN_OVER
        : reasonCode == ReasonCode.SERVER_SHUTTING_DOWN ? Close.SERVER_SHUTDOWN : Close.ADMINISTRATIVE);
    boolean publishWill = will != null && reasonCode != ReasonCode.SERVER_SHUTTING_DOWN;
    if (session != null) {
      session.detach(this, publishWill ? willMessage() : null, publishWill ? willDelaySeconds() : 0);
    }
    if (isV5() && state == CONNECTED) {
      closeAfter(SimplePacket.disconnect(reasonCode, reason(message)));
    } else {
      closeNow();
    }
  }

  private Message willMessage() {
    PacketProperties p = will.properties();
    long now = System.currentTimeMillis();
    long expiresAt = p.messageExpiryInterval >= 0 ? now + (willDelaySeconds() + p.messageExpiryInterval) * 1000 : 0;
    return new Message(will.topic(), will.payload(), will.qos(), will.retain(), p, expiresAt, clientId);
  }

  private long willDelaySeconds() {
    return Math.max(0, will.properties().willDelayInterval);
  }

  // ---- keep-alive ----------------------------------------------------------------------------

  @Override
  public void tick(long nowNanos) {
    if (state == AWAITING_CONNECT || state == CONNECTING) {
      if (nowNanos - openedNanos > broker.settings().connectTimeoutSeconds() * 1_000_000_000L) {
        broker.metrics().refused(Refusal.CONNECT_TIMEOUT);
        endAs(Close.TIMEOUT);
        LOG.debug("{} sent no CONNECT in time", transport.remoteAddress());
        closeNow();
      }
    } else if (state == CONNECTED && keepAliveNanos > 0 && nowNanos - lastReadNanos > keepAliveNanos + keepAliveNanos / 2) {
      broker.metrics().refused(Refusal.KEEP_ALIVE_TIMEOUT);
      endAs(Close.TIMEOUT);
      LOG.debug("{} ({}) exceeded its keep-alive", transport.remoteAddress(), clientId);
      protocolError(ReasonCode.KEEP_ALIVE_TIMEOUT, "keep-alive timeout");
    }
  }

  @Override
  public int loopSlot() {
    return loopSlot;
  }

  @Override
  public void loopSlot(int slot) {
    this.loopSlot = slot;
  }
}
