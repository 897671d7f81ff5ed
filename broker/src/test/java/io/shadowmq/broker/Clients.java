package io.shadowmq.broker;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.util.ArrayList;
import java.util.List;

/**
 * Third-party MQTT clients pointed at a {@link TestBroker}, remembered so that {@link #close} ends
 * every one of them after the test, whatever state the test left them in.
 */
public final class Clients implements AutoCloseable {
  private final TestBroker broker;
  private final List<Object> open = new ArrayList<>();

  public Clients(TestBroker broker) {
    this.broker = broker;
  }

  /** A HiveMQ MQTT 5 client builder aimed at the broker's TCP port. */
  public Mqtt5ClientBuilder hive5Builder(String clientId) {
    return MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost(broker.host()).serverPort(broker.port());
  }

  /** A HiveMQ MQTT 3.1.1 client builder aimed at the broker's TCP port. */
  public Mqtt3ClientBuilder hive3Builder(String clientId) {
    return MqttClient.builder().useMqttVersion3().identifier(clientId).serverHost(broker.host()).serverPort(broker.port());
  }

  /** A HiveMQ MQTT 5 blocking client, not yet connected. */
  public Mqtt5BlockingClient hive5(String clientId) {
    return track(hive5Builder(clientId).buildBlocking());
  }

  /** A HiveMQ MQTT 3.1.1 blocking client, not yet connected. */
  public Mqtt3BlockingClient hive3(String clientId) {
    return track(hive3Builder(clientId).buildBlocking());
  }

  /** A Paho MQTT 3.1.1 client on TCP, not yet connected. */
  public org.eclipse.paho.client.mqttv3.MqttClient paho3(String clientId) throws Exception {
    return track(new org.eclipse.paho.client.mqttv3.MqttClient(broker.tcpUri(), clientId, new MemoryPersistence()));
  }

  /** A Paho MQTT 5 client on TCP, not yet connected. */
  public org.eclipse.paho.mqttv5.client.MqttClient paho5(String clientId) throws Exception {
    return track(new org.eclipse.paho.mqttv5.client.MqttClient(broker.tcpUri(), clientId,
        new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence()));
  }

  /** A Paho MQTT 5 asynchronous client on TCP (the API with subscription properties), not yet connected. */
  public org.eclipse.paho.mqttv5.client.MqttAsyncClient paho5Async(String clientId) throws Exception {
    return track(new org.eclipse.paho.mqttv5.client.MqttAsyncClient(broker.tcpUri(), clientId,
        new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence()));
  }

  /** A raw socket client (see {@link RawMqttClient}). */
  public RawMqttClient raw() throws Exception {
    return track(RawMqttClient.open(broker));
  }

  public <T> T track(T client) {
    open.add(client);
    return client;
  }

  /** Paho's 3.1.1 connect options for the version the test means, with a short connect timeout. */
  public static org.eclipse.paho.client.mqttv3.MqttConnectOptions paho3Options(boolean cleanSession) {
    var o = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
    o.setMqttVersion(org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setCleanSession(cleanSession);
    o.setConnectionTimeout(5);
    o.setAutomaticReconnect(false);
    return o;
  }

  @Override
  public void close() {
    for (Object c : open) {
      try {
        if (c instanceof Mqtt5BlockingClient h && h.getState().isConnected()) {
          h.disconnect();
        } else if (c instanceof Mqtt3BlockingClient h && h.getState().isConnected()) {
          h.disconnect();
        } else if (c instanceof Mqtt5Client h && h.getState().isConnected()) {
          h.toBlocking().disconnect();
        } else if (c instanceof Mqtt3Client h && h.getState().isConnected()) {
          h.toBlocking().disconnect();
        } else if (c instanceof org.eclipse.paho.client.mqttv3.MqttClient p) {
          if (p.isConnected()) {
            p.disconnectForcibly(0, 200);
          }
          p.close(true);
        } else if (c instanceof org.eclipse.paho.mqttv5.client.MqttClient p) {
          if (p.isConnected()) {
            p.disconnectForcibly(0, 200);
          }
          p.close(true);
        } else if (c instanceof org.eclipse.paho.mqttv5.client.MqttAsyncClient p) {
          if (p.isConnected()) {
            p.disconnectForcibly(0, 200, true);
          }
          p.close(true);
        } else if (c instanceof AutoCloseable a) {
          a.close();
        }
      } catch (Exception e) {
        // best effort: the client may already be gone, which is what some tests are about
      }
    }
    open.clear();
  }
}
