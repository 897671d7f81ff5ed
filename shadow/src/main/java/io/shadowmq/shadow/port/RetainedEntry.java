package io.shadowmq.shadow.port;

/**
 * A retained message as an operator sees it.
 *
 * @param topic   its topic
 * @param payload its payload, as published
 * @param qos     the QoS it was published with
 */
public record RetainedEntry(String topic, byte[] payload, int qos) {
}
