package io.shadowmq.shadow.store;

/**
 * An outgoing QoS 1/2 message of a persistent session: queued ({@code packetId} 0), sent and not yet
 * acknowledged, or released (PUBREC received, waiting for PUBCOMP). {@code seq} orders a session's
 * messages; the message's qos is the QoS it is delivered at.
 */
public record StoredSessionMessage(long seq, int packetId, boolean released, StoredMessage message,
                                   int[] subscriptionIds, String shareGroup, String shareFilter) {
}
