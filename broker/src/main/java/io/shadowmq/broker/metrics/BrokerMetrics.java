package io.shadowmq.broker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The broker's meters. No client ids or topics as tags: their number is unbounded. */
public final class BrokerMetrics {
  /** Why a message did not reach a subscriber. */
  public enum Drop {
    QUEUE_FULL, SLOW_CONSUMER, EXPIRED, TOO_LARGE_FOR_CLIENT, QOS0_OFFLINE
  }

  /** Why a connection was refused or closed by the broker. */
  public enum Refusal {
    CONNECT_RATE, CLIENT_ID, KEEP_ALIVE, PROTOCOL_VERSION, AUTH_METHOD, CONNECT_TIMEOUT, KEEP_ALIVE_TIMEOUT,
    MALFORMED_PACKET, PROTOCOL_ERROR, PACKET_TOO_LARGE, STORAGE, BAD_CREDENTIALS, NOT_AUTHORIZED, LOGIN_BLOCKED,
    AUTH_BUSY
  }

  /** What a client was not allowed to do. */
  public enum Denial {
    PUBLISH, SUBSCRIBE, WILL
  }

  /** Why an MQTT connection ended. */
  public enum Close {
    /** The client sent DISCONNECT. */
    CLIENT_DISCONNECT,
    /** The socket closed (or failed) without a DISCONNECT. */
    CONNECTION_LOST,
    /** The broker refused the CONNECT. */
    REFUSED,
    /** The client broke the protocol, its limits or the access rules. */
    PROTOCOL_ERROR,
    /** The client sent nothing within 1.5 times its keep-alive, or no CONNECT in time. */
    TIMEOUT,
    /** Another connection with the same client id took the session over. */
    TAKEN_OVER,
    /** An operator disconnected it (admin API). */
    ADMINISTRATIVE,
    /** The broker shut down. */
    SERVER_SHUTDOWN
  }

  /** How a direct method call ended. */
  public enum MethodOutcome {
    ANSWERED, OFFLINE, TIMED_OUT
  }

  private final AtomicInteger connections = new AtomicInteger();
  private final Counter[] received = new Counter[3];
  private final Counter[] sent = new Counter[3];
  private final Counter opened;
  private final Counter connects;
  private final Counter authFailures;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Map<Close, Counter> closes = new EnumMap<>(Close.class);
  private final Map<MethodOutcome, Counter> methodCalls = new EnumMap<>(MethodOutcome.class);
  private final Map<Drop, Counter> drops = new EnumMap<>(Drop.class);
  private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);
  private final Map<Denial, Counter> denials = new EnumMap<>(Denial.class);
  private final MeterRegistry registry;

  public BrokerMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("shadowmq.connections", connections, AtomicInteger::get)
        .description("Open MQTT connections").register(registry);
    for (int qos = 0; qos < 3; qos++) {
      received[qos] = Counter.builder("shadowmq.messages.received").tag("qos", Integer.toString(qos))
          .description("PUBLISH packets received from clients, by QoS").register(registry);
      sent[qos] = Counter.builder("shadowmq.messages.sent").tag("qos", Integer.toString(qos))
          .description("PUBLISH packets sent to clients, by QoS").register(registry);
    }
    opened = Counter.builder("shadowmq.connections.opened")
        .description("MQTT connections accepted (TCP, TLS or WebSocket), before CONNECT").register(registry);
    connects = Counter.builder("shadowmq.connects")
        .description("CONNECTs accepted (CONNACK success)").register(registry);
    authFailures = Counter.builder("shadowmq.auth.failures")
        .description("Logins refused for their credentials (unknown device, wrong password or certificate, disabled)")
        .register(registry);
    bytesIn = Counter.builder("shadowmq.bytes.received")
        .description("Bytes read from MQTT connections (TLS and WebSocket framing included)").register(registry);
    bytesOut = Counter.builder("shadowmq.bytes.sent")
        .description("Bytes written to MQTT connections (TLS and WebSocket framing included)").register(registry);
    for (Close c : Close.values()) {
      closes.put(c, Counter.builder("shadowmq.connections.closed").tag("reason", c.name().toLowerCase())
          .description("MQTT connections ended, by reason").register(registry));
    }
    for (MethodOutcome o : MethodOutcome.values()) {
      methodCalls.put(o, Counter.builder("shadowmq.method.calls").tag("outcome", o.name().toLowerCase())
          .description("Direct method calls, by outcome").register(registry));
    }
    for (Drop d : Drop.values()) {
      drops.put(d, Counter.builder("shadowmq.messages.dropped").tag("reason", d.name().toLowerCase())
          .description("Messages not delivered to a subscriber").register(registry));
    }
    for (Refusal r : Refusal.values()) {
      refusals.put(r, Counter.builder("shadowmq.connections.refused").tag("reason", r.name().toLowerCase())
          .description("Connections refused or closed by the broker").register(registry));
    }
    for (Denial d : Denial.values()) {
      denials.put(d, Counter.builder("shadowmq.authorization.denied").tag("action", d.name().toLowerCase())
          .description("Publishes, subscriptions and wills refused by the access rules").register(registry));
    }
  }

  /** Registers a gauge read from the broker's state (sessions, subscriptions, retained messages). */
  public static void gauge(MeterRegistry registry, String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  public void connectionOpened() {
    connections.incrementAndGet();
    opened.increment();
  }

  public void connectionClosed(Close reason) {
    connections.decrementAndGet();
    closes.get(reason).increment();
  }

  /** A CONNECT accepted. */
  public void connected() {
    connects.increment();
  }

  /** A login refused for its credentials. */
  public void authFailed() {
    authFailures.increment();
  }

  /** The meter of bytes read from clients (the transport adds to it). */
  public Counter bytesReceived() {
    return bytesIn;
  }

  /** The meter of bytes written to clients. */
  public Counter bytesSent() {
    return bytesOut;
  }

  public void methodCall(MethodOutcome outcome) {
    methodCalls.get(outcome).increment();
  }

  public int connections() {
    return connections.get();
  }

  public void received(int qos) {
    received[qos].increment();
  }

  public void sent(int qos) {
    sent[qos].increment();
  }

  public void dropped(Drop reason) {
    drops.get(reason).increment();
  }

  public double droppedCount(Drop reason) {
    return drops.get(reason).count();
  }

  public void refused(Refusal reason) {
    refusals.get(reason).increment();
  }

  public void denied(Denial action) {
    denials.get(action).increment();
  }

  /** A completed TLS handshake, by the engine that did it ({@code openssl} or {@code jdk}). */
  public void tlsHandshake(String engine) {
    Counter.builder("shadowmq.tls.handshakes").tag("engine", engine)
        .description("Completed TLS handshakes, by TLS engine").register(registry).increment();
  }

  /** A reload of the access rule file: {@code ok}, or {@code invalid} when the rules in force were kept. */
  public void aclReload(boolean ok) {
    Counter.builder("shadowmq.acl.reloads").tag("result", ok ? "ok" : "invalid")
        .description("Reloads of the access rule file after it changed").register(registry).increment();
  }

  public void tlsHandshakeFailed() {
    Counter.builder("shadowmq.tls.handshake.failures")
        .description("TLS handshakes that failed (bad or untrusted certificates, wrong protocol versions)")
        .register(registry).increment();
  }
}
