package io.shadowmq.broker.transport;

import io.shadowmq.broker.loop.BrokerLoops;
import io.shadowmq.broker.mqtt.MqttBroker;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.ArrayList;
import java.util.List;

/**
 * Wires the MQTT listeners (TCP, WebSocket, and with a certificate TLS and secure WebSocket; each
 * when its port is set) to the broker. Deployed once:
 * each listener binds one socket per event loop itself (see {@link MqttListener}), which spreads
 * connections over the loops deterministically, whatever loop Vert.x gives this verticle.
 * Undeploying it stops accepting new connections.
 */
public final class MqttListenerVerticle extends VerticleBase {
  /** Where to listen; a negative port turns that listener off. {@code tls} is null without a certificate. */
  public record Ports(String host, int mqttPort, int wsPort, int mqttsPort, int wssPort, ServerTls tls) {
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
    Future<?> started = bind(MqttListener.Kind.TCP, ports.mqttPort());
    started = started.compose(x -> bind(MqttListener.Kind.WEBSOCKET, ports.wsPort()));
    if (ports.tls() != null) {
      started = started.compose(x -> bind(MqttListener.Kind.TLS, ports.mqttsPort()))
          .compose(x -> bind(MqttListener.Kind.SECURE_WEBSOCKET, ports.wssPort()));
    }
    return started;
  }

  private Future<?> bind(MqttListener.Kind kind, int port) {
    if (port < 0) {
      return Future.succeededFuture();
    }
    return MqttListener.bind(kind, ports.host(), port, transport, loops, broker.settings().maxPacketSize(),
        broker.settings().clientWriteBuffer(), broker::accept, kind.secure() ? ports.tls() : null,
        broker.metrics().bytesReceived(), broker.metrics().bytesSent())
        .onSuccess(listeners::add);
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> closing = new ArrayList<>();
    for (MqttListener l : listeners) {
      closing.add(l.close());
    }
    return Future.join(closing);
  }

  /** The bound listeners, in start order (TCP, WebSocket, TLS, secure WebSocket). */
  public List<MqttListener> listeners() {
    return listeners;
  }

  /** The bound port of a kind of listener, or -1 when it is off. */
  public int port(MqttListener.Kind kind) {
    for (MqttListener l : listeners) {
      if (l.kind() == kind) {
        return l.port();
      }
    }
    return -1;
  }
}
