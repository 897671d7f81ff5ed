package io.shadowmq.broker.session;

import io.shadowmq.broker.routing.Delivery;

/** What a session needs from the connection its client is on. Called on the session's event loop. */
public interface ClientLink {
  boolean isOpen();

  /** The client's IP address and port. */
  String remoteAddress();

  /** The MQTT protocol level: 3 (3.1), 4 (3.1.1) or 5. */
  int protocolLevel();

  /** The listener it came through: {@code tcp}, {@code tls}, {@code ws} or {@code wss}. */
  String listener();

  /** False while the client does not read fast enough: the session then queues instead of writing. */
  boolean isWritable();

  /** How many QoS 1/2 messages the client accepts in flight (its MQTT 5 Receive Maximum). */
  int receiveMaximum();

  /**
   * Sends a PUBLISH. Returns false when it was not sent because it would exceed the client's
   * maximum packet size; the message then counts as delivered (MQTT-3.1.2-25).
   */
  boolean sendPublish(Delivery delivery, int packetId, boolean dup);

  void sendPubRel(int packetId);

  /**
   * Closes the connection because the session is needed elsewhere (another connection took it
   * over, or the broker shuts down), with the MQTT 5 reason code. The link detaches itself from the
   * session before this returns.
   */
  void evict(int reasonCode, String reason);
}
