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

  private final AtomicInteger connections = new AtomicInteger();
  private final Counter received;
  private final Counter sent;
  private final Map<Drop, Counter> drops = new EnumMap<>(Drop.class);
  private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);
  private final Map<Denial, Counter> denials = new EnumMap<>(Denial.class);
  private final MeterRegistry registry;

  public BrokerMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("shadowmq.connections", connections, AtomicInteger::get)
        .description("Open MQTT connections").register(registry);
    received = Counter.builder("shadowmq.messages.received").description("PUBLISH packets received from clients").register(registry);
    sent = Counter.builder("shadowmq.messages.sent").description("PUBLISH packets sent to clients").register(registry);
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
  }

  public void connectionClosed() {
    connections.decrementAndGet();
  }

  public int connections() {
    return connections.get();
  }

  public void received() {
    received.increment();
  }

  public void sent() {
    sent.increment();
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
