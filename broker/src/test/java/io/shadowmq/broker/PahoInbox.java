package io.shadowmq.broker;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What a Paho client received, as a queue the test can wait on, and how its connection ended.
 * One class per Paho API: {@link V3} for mqttv3, {@link V5} for mqttv5.
 */
public final class PahoInbox {
  private PahoInbox() {
  }

  /** A message and the topic it arrived on. */
  public record Received<M>(String topic, M message) {
  }

  /** The inbox of a Paho mqttv3 client. */
  public static final class V3 implements org.eclipse.paho.client.mqttv3.MqttCallback {
    private final BlockingQueue<Received<org.eclipse.paho.client.mqttv3.MqttMessage>> messages = new LinkedBlockingQueue<>();
    public final CompletableFuture<Throwable> connectionLost = new CompletableFuture<>();

    public static V3 of(org.eclipse.paho.client.mqttv3.MqttClient client) {
      V3 inbox = new V3();
      client.setCallback(inbox);
      return inbox;
    }

    public Received<org.eclipse.paho.client.mqttv3.MqttMessage> next(Duration timeout) throws InterruptedException {
      return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void connectionLost(Throwable cause) {
      connectionLost.complete(cause);
    }

    @Override
    public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
      messages.add(new Received<>(topic, message));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
    }
  }

  /** The inbox of a Paho mqttv5 client. */
  public static final class V5 implements org.eclipse.paho.mqttv5.client.MqttCallback {
    private final BlockingQueue<Received<org.eclipse.paho.mqttv5.common.MqttMessage>> messages = new LinkedBlockingQueue<>();
    public final CompletableFuture<MqttDisconnectResponse> disconnected = new CompletableFuture<>();

    public static V5 of(org.eclipse.paho.mqttv5.client.MqttClient client) {
      V5 inbox = new V5();
      client.setCallback(inbox);
      return inbox;
    }

    public static V5 of(org.eclipse.paho.mqttv5.client.MqttAsyncClient client) {
      V5 inbox = new V5();
      client.setCallback(inbox);
      return inbox;
    }

    public Received<org.eclipse.paho.mqttv5.common.MqttMessage> next(Duration timeout) throws InterruptedException {
      return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
      disconnected.complete(response);
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
    }

    @Override
    public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) {
      messages.add(new Received<>(topic, message));
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }
  }
}
