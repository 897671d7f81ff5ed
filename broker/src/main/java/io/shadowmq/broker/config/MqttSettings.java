package io.shadowmq.broker.config;

/**
 * The MQTT limits and defaults of a broker node. Every bound the broker enforces on clients is
 * here, with the production default the command line starts from.
 *
 * @param maxPacketSize          largest packet accepted from a client, in bytes (announced to MQTT 5 clients)
 * @param maxInflight            unacknowledged QoS 1/2 messages in flight to one client (lowered by its Receive Maximum)
 * @param receiveMaximum         unacknowledged QoS 2 messages a client may have in flight to us (MQTT 5 Receive Maximum)
 * @param maxQueuedMessages      QoS 1/2 messages queued per session while offline or while the window is full
 * @param dropOldest             when the queue is full, drop its oldest message (true) or the new one (false)
 * @param maxTopicLength         longest topic name or filter, in bytes
 * @param maxTopicLevels         most levels in a topic name or filter
 * @param maxSubscriptions       most subscriptions one session may hold
 * @param connectTimeoutSeconds  time a new connection has to send CONNECT
 * @param maxConnectRate         CONNECT packets accepted per second on this node; 0 means unlimited
 * @param maxKeepAliveSeconds    cap on the client's keep-alive (0: no cap); announced as Server Keep Alive
 * @param maxClientIdLength      longest client identifier, in characters
 * @param maxSessionExpirySeconds cap on how long an offline session is kept (also for 3.1.1 clean session 0)
 * @param topicAliasMaximum      topic aliases a client may use towards the broker (MQTT 5)
 * @param clientWriteBuffer      bytes waiting to be sent to one client before it counts as slow: QoS 0
 *                               messages to it are dropped, QoS 1/2 ones queued, and reading from it pauses
 */
public record MqttSettings(
    int maxPacketSize,
    int maxInflight,
    int receiveMaximum,
    int maxQueuedMessages,
    boolean dropOldest,
    int maxTopicLength,
    int maxTopicLevels,
    int maxSubscriptions,
    int connectTimeoutSeconds,
    int maxConnectRate,
    int maxKeepAliveSeconds,
    int maxClientIdLength,
    long maxSessionExpirySeconds,
    int topicAliasMaximum,
    int clientWriteBuffer) {

  /** The defaults, as documented in docs/configuration.md. */
  public static MqttSettings defaults() {
    return new MqttSettings(1024 * 1024, 128, 1024, 1000, true, 1024, 32, 256, 10, 10_000, 0, 256, 7 * 24 * 3600L, 32,
        512 * 1024);
  }
}
