package io.shadowmq.broker.routing;

/**
 * One message on its way to one subscriber: the QoS it is delivered at, the retain flag it carries,
 * the identifiers of the subscriptions it matched, and the shared group it came through, if any.
 */
public record Delivery(Message message, int qos, boolean retain, int[] subscriptionIds, SharedGroup group) {
}
