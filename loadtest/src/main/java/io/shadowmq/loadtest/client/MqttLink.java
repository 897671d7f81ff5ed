package io.shadowmq.loadtest.client;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.Map;

/**
 * One simulated MQTT client connection, whatever library speaks the protocol version. Every
 * callback runs on the Vert.x context the link was created for, so per-client state needs no lock.
 */
public interface MqttLink {

  /** Receives the application messages the broker delivers to this client. */
  @FunctionalInterface
  interface MessageHandler {
    void handle(String topic, Buffer payload, int qos);
  }

  String clientId();

  /** Opens the connection; fails on refusal, network error or when the connect timeout passes. */
  Future<Void> connect();

  /** Subscribes to the filters (filter to QoS); fails if the broker refuses any of them. */
  Future<Void> subscribe(Map<String, Integer> filters);

  /** Publishes; completes when written (QoS 0) or when the broker acknowledged it (QoS 1 and 2). */
  Future<Void> publish(String topic, Buffer payload, int qos, boolean retain);

  /** Sets the handler for delivered messages; set it before {@link #connect} to see a session's backlog. */
  void messageHandler(MessageHandler handler);

  /** Called once when an established connection is lost or closed. */
  void closeHandler(Runnable handler);

  boolean isConnected();

  /** Sends DISCONNECT and closes; completes when the socket is closed. */
  Future<Void> disconnect();
}
