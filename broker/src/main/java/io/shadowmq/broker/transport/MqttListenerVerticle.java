package io.shadowmq.broker.transport;

import io.shadowmq.broker.loop.BrokerLoops;
import io.shadowmq.broker.mqtt.MqttBroker;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.ArrayList;
import java.util.List;

/**
 * Wires the MQTT listeners (TCP, and WebSocket when its port is set) to the broker. Deployed once:
 * each listener binds one socket per event loop itself (see {@link MqttListener}), which spreads
 * connections over the loops deterministically, whatever loop Vert.x gives this verticle.
 * Undeploying it stops accepting new connections.
 */
public final class MqttListenerVerticle extends VerticleBase {
  /** Where to listen; a negative WebSocket port turns that listener off. */
  public record Ports(String host, int mqttPort, int wsPort) {
  }

  private final MqttBroker broker;
  private final SharedEventLoopTransport transport;
  private final BrokerLoops loops;
  private final Ports ports;
  private final List<MqttListener> listeners = new ArrayList<>();

  public MqttListenerVerticle(MqttBroker broker, SharedEventLoopTransport transport, BrokerLoops loops, Ports ports) {
    this.broker = broker;
    this.transport = transport;
    this.loops = loops;
    this.ports = ports;
  }

  @Override
  public Future<?> start() {
    int maxPacketSize = broker.settings().maxPacketSize();
    int writeBuffer = broker.settings().clientWriteBuffer();
    Future<MqttListener> tcp = MqttListener.bind(MqttListener.Kind.TCP, ports.host(), ports.mqttPort(), transport, loops,
        maxPacketSize, writeBuffer, broker::accept).onSuccess(listeners::add);
    if (ports.wsPort() < 0) {
      return tcp;
    }
    return tcp.compose(t -> MqttListener.bind(MqttListener.Kind.WEBSOCKET, ports.host(), ports.wsPort(), transport, loops,
        maxPacketSize, writeBuffer, broker::accept).onSuccess(listeners::add));
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> closing = new ArrayList<>();
    for (MqttListener l : listeners) {
      closing.add(l.close());
    }
    return Future.join(closing);
  }

  /** The bound listeners, in start order (TCP first). */
  public List<MqttListener> listeners() {
    return listeners;
  }
}
