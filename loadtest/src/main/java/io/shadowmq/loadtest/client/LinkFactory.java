package io.shadowmq.loadtest.client;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicLong;

/** Makes {@link MqttLink}s for one run: MQTT 3.1.1 on the Vert.x client, MQTT 5 on the HiveMQ client. */
public final class LinkFactory {
  private final Vertx vertx;
  private final LinkSettings settings;
  private final AtomicLong made = new AtomicLong();

  public LinkFactory(Vertx vertx, LinkSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    if (settings.tlsInsecure()) {
      // Netty 4.2 verifies host names by default; an insecure run means no verification at all.
      System.setProperty("io.netty.handler.ssl.defaultEndpointVerificationAlgorithm", "NONE");
    }
  }

  public LinkSettings settings() {
    return settings;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * A new, not yet connected link whose callbacks run on {@code context}.
   *
   * @param persistent keep the session (clean session 0, or a session expiry for MQTT 5)
   */
  public MqttLink create(Context context, String clientId, boolean persistent) {
    String source = settings.sourceAddresses().forConnection(made.getAndIncrement());
    return settings.mqttVersion() == 5
        ? new HiveMqLink(vertx, context, settings, clientId, persistent, source)
        : new VertxMqttLink(vertx, context, settings, clientId, persistent, source);
  }
}
