package io.shadowmq.shadow.store;

/**
 * A message as the stores keep it. The MQTT 5 properties are opaque bytes, encoded and decoded by
 * the broker; the stores only keep them.
 *
 * @param expiresAtMillis wall-clock expiry, 0 for never
 */
public record StoredMessage(String topic, byte[] payload, int qos, boolean retain, byte[] properties,
                            long expiresAtMillis, String publisher) {
}
