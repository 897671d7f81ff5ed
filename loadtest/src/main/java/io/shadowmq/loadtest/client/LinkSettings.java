package io.shadowmq.loadtest.client;

import java.nio.file.Path;

/**
 * How the simulated clients reach the broker: address, protocol version, TLS, credentials and
 * session handling. Shared by every link of a run.
 */
public record LinkSettings(
    String host,
    int port,
    int mqttVersion,
    boolean tls,
    boolean tlsInsecure,
    Path trustStore,
    String trustStorePassword,
    String username,
    String password,
    int keepAliveSeconds,
    int connectTimeoutSeconds,
    long sessionExpirySeconds,
    SourceAddresses sourceAddresses) {

  public LinkSettings {
    if (mqttVersion != 3 && mqttVersion != 5) {
      throw new IllegalArgumentException("--mqtt must be 3 (3.1.1) or 5, not " + mqttVersion);
    }
  }

  /** Plain TCP, MQTT 3.1.1, no credentials: what tests use. */
  public static LinkSettings plain(String host, int port) {
    return new LinkSettings(host, port, 3, false, false, null, null, null, null, 60, 10, 3600,
        SourceAddresses.none());
  }
}
