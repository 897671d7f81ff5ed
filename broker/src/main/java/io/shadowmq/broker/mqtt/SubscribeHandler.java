package io.shadowmq.broker.mqtt;

import io.shadowmq.broker.codec.PacketProperties;
import io.shadowmq.broker.codec.PacketType;
import io.shadowmq.broker.codec.ReasonCode;
import io.shadowmq.broker.codec.SubAckPacket;
import io.shadowmq.broker.codec.SubscribePacket;
import io.shadowmq.broker.codec.UnsubscribePacket;
import io.shadowmq.broker.config.MqttSettings;
import io.shadowmq.broker.metrics.BrokerMetrics;
import io.shadowmq.broker.routing.Delivery;
import io.shadowmq.broker.routing.Message;
import io.shadowmq.broker.routing.Subscription;
import io.shadowmq.broker.routing.Topics;
import io.shadowmq.broker.session.Session;
import io.shadowmq.broker.shadow.ShadowTopicAdapter;

import java.util.ArrayList;
import java.util.List;

/**
 * SUBSCRIBE and UNSUBSCRIBE: validates each filter and whether the client may subscribe to it,
 * updates the session and the subscription tree, acknowledges with one reason code per filter, then sends the retained messages the new
 * subscriptions ask for (retain handling 0, 1 or 2; never for shared subscriptions) and, to a device
 * subscribing to its own shadow's delta topic, the current delta.
 */
final class SubscribeHandler {
  private final MqttBroker broker;
  private final MqttSettings settings;

  SubscribeHandler(MqttBroker broker) {
    this.broker = broker;
    this.settings = broker.settings();
  }

  void onSubscribe(MqttConnection c, SubscribePacket p) {
    int[] ids = p.properties().subscriptionIdentifiers;
    int subscriptionId = ids == null ? 0 : ids[0];
    int[] codes = new int[p.requests().size()];
    List<Subscription> wantRetained = new ArrayList<>(2);
    String problem = null;
    for (int i = 0; i < codes.length; i++) {
      SubscribePacket.Request r = p.requests().get(i);
      Topics.ParsedFilter parsed;
      try {
        parsed = Topics.parseFilter(r.filter(), settings.maxTopicLength(), settings.maxTopicLevels());
      } catch (IllegalArgumentException e) {
        codes[i] = c.isV5() ? ReasonCode.TOPIC_FILTER_INVALID : ReasonCode.V3_SUBACK_FAILURE;
        problem = "'" + r.filter() + "': " + e.getMessage();
        MqttConnection.LOG.debug("{} subscribed to an invalid filter {}", c.clientId, problem);
        continue;
      }
      if (parsed.shareGroup() != null && r.noLocal()) {
        c.protocolError(ReasonCode.PROTOCOL_ERROR, "no local on a shared subscription"); // MQTT-3.8.3-4
        return;
      }
      if (!c.access.canSubscribe(parsed.topicFilter())) {
        broker.metrics().denied(BrokerMetrics.Denial.SUBSCRIBE);
        codes[i] = c.isV5() ? ReasonCode.NOT_AUTHORIZED : ReasonCode.V3_SUBACK_FAILURE;
        problem = "not authorized";
        MqttConnection.LOG.debug("{} may not subscribe to '{}'", c.clientId, r.filter());
        continue;
      }
      Subscription existing = c.session.subscription(r.filter());
      if (existing == null && c.session.subscriptionCount() >= settings.maxSubscriptions()) {
        codes[i] = c.isV5() ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.V3_SUBACK_FAILURE;
        problem = "more than " + settings.maxSubscriptions() + " subscriptions";
        continue;
      }
      Subscription sub = new Subscription(c.session, r.filter(), parsed.topicFilter(), parsed.shareGroup(), r.qos(),
          r.noLocal(), r.retainAsPublished(), r.retainHandling(), subscriptionId);
      c.session.subscribe(sub);
      codes[i] = r.qos(); // granted as requested: the broker supports QoS 2
      if (!sub.isShared() && (r.retainHandling() == 0 || (r.retainHandling() == 1 && existing == null))) {
        wantRetained.add(sub);
      }
    }
    PacketProperties props = problem != null && c.isV5() ? c.reason(problem) : PacketProperties.NONE;
    c.send(new SubAckPacket(PacketType.SUBACK, p.packetId(), codes, props));
    catchUpShadowDelta(c, p, codes);
    long now = System.currentTimeMillis();
    for (Subscription sub : wantRetained) {
      for (Message m : broker.retained().match(sub.topicFilter(), now)) {
        int[] subIds = sub.subscriptionId() > 0 ? new int[] {sub.subscriptionId()} : null;
        // MQTT-3.3.1-9: retained messages sent because of a new subscription carry the retain flag.
        c.session.deliverRetained(new Delivery(m, Math.min(m.qos(), sub.qos()), true, subIds, null));
      }
    }
  }

  /** Offline catch-up: a device subscribing to its own shadow's delta topic gets the current delta, after the SUBACK. */
  private void catchUpShadowDelta(MqttConnection c, SubscribePacket p, int[] codes) {
    ShadowTopicAdapter shadows = broker.shadows();
    if (shadows == null) {
      return;
    }
    for (int i = 0; i < codes.length; i++) {
      if (codes[i] > 2) {
        continue; // refused
      }
      SubscribePacket.Request r = p.requests().get(i);
      Subscription sub = c.session.subscription(r.filter());
      if (sub == null || sub.isShared()) {
        continue;
      }
      Session session = c.session;
      shadows.onSubscribed(c.clientId, r.filter(), m -> {
        int[] subIds = sub.subscriptionId() > 0 ? new int[] {sub.subscriptionId()} : null;
        session.post(new Delivery(m, Math.min(m.qos(), sub.qos()), false, subIds, null));
      });
    }
  }

  void onUnsubscribe(MqttConnection c, UnsubscribePacket p) {
    int[] codes = new int[p.filters().size()];
    for (int i = 0; i < codes.length; i++) {
      String filter = p.filters().get(i);
      try {
        Topics.parseFilter(filter, settings.maxTopicLength(), settings.maxTopicLevels());
      } catch (IllegalArgumentException e) {
        codes[i] = ReasonCode.TOPIC_FILTER_INVALID;
        continue;
      }
      codes[i] = c.session.unsubscribe(filter) ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED;
    }
    c.send(new SubAckPacket(PacketType.UNSUBACK, p.packetId(), codes, PacketProperties.NONE));
  }
}
