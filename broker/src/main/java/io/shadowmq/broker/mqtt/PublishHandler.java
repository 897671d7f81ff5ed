package io.shadowmq.broker.mqtt;

import io.shadowmq.broker.codec.AckPacket;
import io.shadowmq.broker.codec.PacketProperties;
import io.shadowmq.broker.codec.PacketType;
import io.shadowmq.broker.codec.PublishPacket;
import io.shadowmq.broker.codec.ReasonCode;
import io.shadowmq.broker.codec.Utf8;
import io.shadowmq.broker.config.MqttSettings;
import io.shadowmq.broker.methods.MethodCalls;
import io.shadowmq.broker.metrics.BrokerMetrics;
import io.shadowmq.broker.routing.Message;
import io.shadowmq.broker.routing.Topics;
import io.shadowmq.broker.shadow.ShadowTopicAdapter;

/**
 * PUBLISH from a client: resolves its topic alias, checks topic and payload and whether the client
 * may publish there, hands shadow requests to the shadow adapter and routes (and retains) the
 * rest, then acknowledges as its QoS requires. QoS 2 is delivered on receipt and its packet id
 * held until PUBREL, so a resent PUBLISH with that id is never delivered twice.
 */
final class PublishHandler {
  private final MqttBroker broker;
  private final MqttSettings settings;

  PublishHandler(MqttBroker broker) {
    this.broker = broker;
    this.settings = broker.settings();
  }

  /** Why a client may not publish to (or leave a will on) a topic, or null when it may. */
  static String topicProblem(String topic, MqttSettings settings) {
    String problem = Topics.checkTopicName(topic, settings.maxTopicLength(), settings.maxTopicLevels());
    if (problem == null && (topic.startsWith("$SYS/") || topic.equals("$SYS") || topic.startsWith(Topics.SHARE_PREFIX))) {
      problem = "topics under $SYS and $share are reserved";
    }
    return problem;
  }

  void onPublish(MqttConnection c, PublishPacket p) {
    broker.metrics().received(p.qos());
    String topic = p.topic();
    PacketProperties props = p.properties();
    if (c.isV5() && props.topicAlias >= 0) {
      int alias = props.topicAlias;
      if (c.inboundAliases == null || !c.inboundAliases.isValid(alias)) {
        c.protocolError(ReasonCode.TOPIC_ALIAS_INVALID, "topic alias " + alias + " is outside 1.." + settings.topicAliasMaximum());
        return;
      }
      if (topic.isEmpty()) {
        topic = c.inboundAliases.get(alias);
        if (topic == null) {
          c.protocolError(ReasonCode.PROTOCOL_ERROR, "topic alias " + alias + " was never set");
          return;
        }
      } else {
        c.inboundAliases.set(alias, topic);
      }
    }
    if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
      c.protocolError(ReasonCode.TOPIC_NAME_INVALID, "wildcard in a PUBLISH topic"); // MQTT-3.3.2-2
      return;
    }
    if (topic.isEmpty()) {
      c.protocolError(c.isV5() ? ReasonCode.PROTOCOL_ERROR : ReasonCode.MALFORMED_PACKET, "empty topic name");
      return;
    }
    if (p.qos() == 2 && c.session.incomingQos2().count() >= settings.receiveMaximum() && c.isV5()
        && !c.session.incomingQos2().contains(p.packetId())) {
      c.protocolError(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED, "more than " + settings.receiveMaximum() + " QoS 2 messages in flight");
      return;
    }

    String problem = topicProblem(topic, settings);
    if (problem != null) {
      refuse(c, p, ReasonCode.TOPIC_NAME_INVALID, problem);
      return;
    }
    if (props.payloadFormatIndicator == 1 && !Utf8.isWellFormed(p.payload())) {
      refuse(c, p, ReasonCode.PAYLOAD_FORMAT_INVALID, "payload is marked UTF-8 but is not");
      return;
    }

    // Method requests are the broker's alone: a client publishing there would reach every device.
    if (!c.access.canPublish(topic) || MqttBroker.reservedForBroker(topic)) {
      broker.metrics().denied(BrokerMetrics.Denial.PUBLISH);
      if (c.isV5()) {
        refuse(c, p, ReasonCode.NOT_AUTHORIZED, "not authorized");
      } else {
        // 3.1.1 has no way to say no to a PUBLISH: drop it and close, as AWS IoT does.
        c.protocolError(ReasonCode.NOT_AUTHORIZED, "not authorized to publish to '" + topic + "'");
      }
      return;
    }
    if (p.qos() == 2 && !c.session.incomingQos2().received(p.packetId())) {
      // A resent QoS 2 PUBLISH that was delivered already: acknowledge again, deliver nothing.
      c.send(AckPacket.of(PacketType.PUBREC, p.packetId(), ReasonCode.SUCCESS));
      return;
    }
    MethodCalls methods = broker.methods();
    if (methods != null && methods.offer(c.clientId, topic, p.payload(), props)) {
      // An answer to a direct method: taken by the broker, not routed.
      if (p.qos() > 0) {
        c.send(AckPacket.of(p.qos() == 1 ? PacketType.PUBACK : PacketType.PUBREC, p.packetId(), ReasonCode.SUCCESS));
      }
      return;
    }
    ShadowTopicAdapter shadows = broker.shadows();
    if (shadows != null && shadows.offer(c.clientId, topic, p.payload(), props)) {
      // A shadow request: the broker answers it itself (on the reply topics), it is not routed.
      if (p.qos() > 0) {
        c.send(AckPacket.of(p.qos() == 1 ? PacketType.PUBACK : PacketType.PUBREC, p.packetId(), ReasonCode.SUCCESS));
      }
      return;
    }
    long expiresAt = props.messageExpiryInterval >= 0 ? System.currentTimeMillis() + props.messageExpiryInterval * 1000 : 0;
    Message message = new Message(topic, p.payload(), p.qos(), p.retain(), forwardable(props), expiresAt, c.clientId);
    int receivers = broker.publish(message);
    if (p.qos() > 0) {
      int reason = receivers == 0 && c.isV5() ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS;
      c.send(AckPacket.of(p.qos() == 1 ? PacketType.PUBACK : PacketType.PUBREC, p.packetId(), reason));
    }
  }

  /** The properties a subscriber gets: those of the PUBLISH but for its topic alias. */
  private static PacketProperties forwardable(PacketProperties props) {
    if (props.topicAlias < 0) {
      return props;
    }
    PacketProperties copy = new PacketProperties();
    copy.payloadFormatIndicator = props.payloadFormatIndicator;
    copy.messageExpiryInterval = props.messageExpiryInterval;
    copy.contentType = props.contentType;
    copy.responseTopic = props.responseTopic;
    copy.correlationData = props.correlationData;
    copy.userProperties = props.userProperties;
    return copy;
  }

  /**
   * A PUBLISH the broker will not deliver. MQTT 5 says why in the PUBACK/PUBREC (QoS 0: the
   * connection closes with that reason); MQTT 3.1.1 has no way to, so the message is acknowledged
   * and dropped, with a log line.
   */
  private void refuse(MqttConnection c, PublishPacket p, int reasonCode, String why) {
    MqttConnection.LOG.debug("{} published to '{}': {}", c.clientId, p.topic(), why);
    if (!c.isV5()) {
      if (p.qos() == 1) {
        c.send(AckPacket.of(PacketType.PUBACK, p.packetId(), ReasonCode.SUCCESS));
      } else if (p.qos() == 2) {
        c.session.incomingQos2().received(p.packetId());
        c.send(AckPacket.of(PacketType.PUBREC, p.packetId(), ReasonCode.SUCCESS));
      }
      return;
    }
    if (p.qos() == 0) {
      c.protocolError(reasonCode, why);
      return;
    }
    c.send(new AckPacket(p.qos() == 1 ? PacketType.PUBACK : PacketType.PUBREC, p.packetId(), reasonCode, c.reason(why)));
  }
}
