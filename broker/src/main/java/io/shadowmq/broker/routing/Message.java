package io.shadowmq.broker.routing;

import io.shadowmq.broker.codec.PacketProperties;

/**
 * An application message as the broker routes, queues and retains it. Immutable and shared by
 * every subscriber it goes to; the payload array is never modified after construction.
 */
public final class Message {
  private final String topic;
  private final byte[] payload;
  private final int qos;
  private final boolean retain;
  private final PacketProperties properties;
  private final long expiresAtMillis;
  private final String publisherId;

  /**
   * @param properties      MQTT 5 properties passed through to subscribers (payload format, content
   *                        type, response topic, correlation data, user properties); never null
   * @param expiresAtMillis wall-clock expiry from the Message Expiry Interval, or 0 for never
   * @param publisherId     client id of the publisher (for no-local), or null for the broker itself
   */
  public Message(String topic, byte[] payload, int qos, boolean retain, PacketProperties properties,
                 long expiresAtMillis, String publisherId) {
    this.topic = topic;
    this.payload = payload;
    this.qos = qos;
    this.retain = retain;
    this.properties = properties;
    this.expiresAtMillis = expiresAtMillis;
    this.publisherId = publisherId;
  }

  public String topic() {
    return topic;
  }

  public byte[] payload() {
    return payload;
  }

  public int qos() {
    return qos;
  }

  public boolean retain() {
    return retain;
  }

  public PacketProperties properties() {
    return properties;
  }

  public long expiresAtMillis() {
    return expiresAtMillis;
  }

  public String publisherId() {
    return publisherId;
  }

  public boolean isExpired(long nowMillis) {
    return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
  }

  /** Seconds left before expiry, rounded up, or -1 when the message does not expire. */
  public long remainingExpirySeconds(long nowMillis) {
    if (expiresAtMillis == 0) {
      return -1;
    }
    long left = expiresAtMillis - nowMillis;
    return left <= 0 ? 0 : (left + 999) / 1000;
  }

  /** The same message with another retain flag (a retained copy is delivered with retain set). */
  public Message withRetain(boolean newRetain) {
    return newRetain == retain ? this
        : new Message(topic, payload, qos, newRetain, properties, expiresAtMillis, publisherId);
  }
}
