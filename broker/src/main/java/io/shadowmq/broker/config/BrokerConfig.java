package io.shadowmq.broker.config;

import io.shadowmq.shadow.state.ShadowLimits;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The broker's options. Each has an environment variable twin, named after it: {@code --mqtt-port}
 * is {@code SHADOWMQ_MQTT_PORT} (see {@link EnvironmentDefaults}); a flag wins over the variable.
 */
public final class BrokerConfig {
  @Option(names = "--bind", defaultValue = "0.0.0.0", paramLabel = "HOST",
      description = "Address the listeners bind to. Without device authentication and without --allow-anonymous "
          + "the broker binds to loopback only. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_BIND.")
  public String bind;

  @Option(names = "--mqtt-port", defaultValue = "1883", paramLabel = "PORT",
      description = "MQTT over TCP; 0 picks a free port, -1 turns it off. Default: ${DEFAULT-VALUE}. "
          + "Env: SHADOWMQ_MQTT_PORT.")
  public int mqttPort;

  @Option(names = "--ws-port", defaultValue = "8083", paramLabel = "PORT",
      description = "MQTT over WebSocket (any path, subprotocol mqtt); 0 picks a free port, -1 turns it off. "
          + "Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_WS_PORT.")
  public int wsPort;

  @Option(names = "--http-port", defaultValue = "8080", paramLabel = "PORT",
      description = "HTTP: admin API, /metrics, /health, /openapi.yaml (HTTPS with --tls-cert); 0 picks a free port, "
          + "-1 turns it off. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_HTTP_PORT.")
  public int httpPort;

  @Option(names = "--public-url", paramLabel = "URL",
      description = "The base URL devices reach the HTTP port at (https://fw.example.com), used in firmware download "
          + "links. Default: the HTTP listener's own address. Env: SHADOWMQ_PUBLIC_URL.")
  public String publicUrl;

  @Option(names = "--max-artifact-size", defaultValue = "1073741824", paramLabel = "BYTES",
      description = "Largest firmware artifact an upload may store (413 past it). Default: ${DEFAULT-VALUE}. "
          + "Env: SHADOWMQ_MAX_ARTIFACT_SIZE.")
  public long maxArtifactSize;

  @Option(names = "--max-concurrent-downloads", defaultValue = "64", paramLabel = "N",
      description = "Firmware downloads this node serves at once; past it devices get 503 with Retry-After. "
          + "Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_MAX_CONCURRENT_DOWNLOADS.")
  public int maxConcurrentDownloads;

  @Option(names = "--rollout-rescan-seconds", defaultValue = "300", paramLabel = "SECONDS",
      description = "How often a continuous rollout scans its whole target again. Devices registered or re-tagged "
          + "and groups changed through the admin API join at once; the rescan finds changes made elsewhere "
          + "(another node, the device command). Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_ROLLOUT_RESCAN_SECONDS.")
  public int rolloutRescanSeconds;

  @Option(names = "--max-concurrent-uploads", defaultValue = "2", paramLabel = "N",
      description = "Firmware uploads this node stores at once, each on a PostgreSQL connection of its own (apart from "
          + "--pg-pool-size); past it 503 with Retry-After. Default: ${DEFAULT-VALUE}. "
          + "Env: SHADOWMQ_MAX_CONCURRENT_UPLOADS.")
  public int maxConcurrentUploads;

  @Option(names = "--mqtts-port", paramLabel = "PORT",
      description = "MQTT over TLS; 0 picks a free port, -1 turns it off. Default: 8883 when --tls-cert is given. "
          + "Env: SHADOWMQ_MQTTS_PORT.")
  public Integer mqttsPort;

  @Option(names = "--wss-port", paramLabel = "PORT",
      description = "MQTT over secure WebSocket; 0 picks a free port, -1 turns it off. Default: 8084 when --tls-cert "
          + "is given. Env: SHADOWMQ_WSS_PORT.")
  public Integer wssPort;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "Server certificate chain (PEM, the server's certificate first) for the TLS listeners; reloaded "
          + "when it changes. Env: SHADOWMQ_TLS_CERT.")
  public Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "The certificate's private key (PEM, PKCS#8, unencrypted). Env: SHADOWMQ_TLS_KEY.")
  public Path tlsKey;

  @Option(names = "--tls-ca", paramLabel = "FILE",
      description = "CA certificates (PEM) that sign the devices' client certificates: turns on mutual TLS. "
          + "Env: SHADOWMQ_TLS_CA.")
  public Path tlsCa;

  @Option(names = "--tls-client-auth", defaultValue = "required", paramLabel = "required|optional",
      description = "With --tls-ca: whether every TLS client must present a certificate, or may log in with a "
          + "password instead. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_TLS_CLIENT_AUTH.")
  public String tlsClientAuth;

  @Option(names = "--acl-file", paramLabel = "FILE",
      description = "Access rules (docs/security.md), checked before the default policy; reloaded when the file "
          + "changes. Env: SHADOWMQ_ACL_FILE.")
  public Path aclFile;

  @Option(names = "--admin-token-file", paramLabel = "FILE",
      description = "A file holding an admin API token to register (role admin); without it, a first start "
          + "generates one into <data-dir>/admin-token. Env: SHADOWMQ_ADMIN_TOKEN_FILE.")
  public Path adminTokenFile;

  @Option(names = "--auth-failure-limit", defaultValue = "10", paramLabel = "N",
      description = "Failed logins for one client id (ten times as many for one address) before further attempts "
          + "are refused for --auth-block-seconds; logins slow down from the second failure. 0 turns this off. "
          + "Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_AUTH_FAILURE_LIMIT.")
  public int authFailureLimit;

  @Option(names = "--auth-block-seconds", defaultValue = "300", paramLabel = "SECONDS",
      description = "How long, after the last failure, a client id or address over the limit is refused. "
          + "Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_AUTH_BLOCK_SECONDS.")
  public int authBlockSeconds;

  @Option(names = "--data-dir", defaultValue = "data", paramLabel = "DIR",
      description = "Directory for the node's data. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_DATA_DIR.")
  public Path dataDir;

  @Option(names = "--pg-url", paramLabel = "URL",
      description = "External PostgreSQL, postgresql://user:password@host:5432/database[?sslmode=require]; "
          + "without it an embedded PostgreSQL keeps its data under --data-dir. Env: SHADOWMQ_PG_URL.")
  public String pgUrl;

  @Option(names = "--pg-pool-size", defaultValue = "4", paramLabel = "N",
      description = "Connections to PostgreSQL. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_PG_POOL_SIZE.")
  public int pgPoolSize;

  @Option(names = "--storage-write-interval", defaultValue = "500", paramLabel = "MILLIS",
      description = "Longest a retained message or a persistent session's change waits before it is written "
          + "(what a crash can lose). Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_STORAGE_WRITE_INTERVAL.")
  public long storageWriteInterval;

  @Option(names = "--storage-queue-capacity", defaultValue = "200000", paramLabel = "N",
      description = "Changes kept while PostgreSQL is slow or down; past it changes are not stored (counted and "
          + "logged). Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_STORAGE_QUEUE_CAPACITY.")
  public int storageQueueCapacity;

  @Option(names = "--in-memory", defaultValue = "false",
      description = "Run without PostgreSQL: sessions and retained messages live in memory only and do not survive "
          + "a restart. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_IN_MEMORY.")
  public boolean inMemory;

  @Option(names = "--allow-anonymous", defaultValue = "false",
      description = "Accept clients without credentials (on every address of --bind), except under a registered "
          + "device's id. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_ALLOW_ANONYMOUS.")
  public boolean allowAnonymous;

  @Option(names = "--event-loops", defaultValue = "0", paramLabel = "N",
      description = "Event loop threads; 0 means one per core. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_EVENT_LOOPS.")
  public int eventLoops;

  @Option(names = "--max-packet-size", defaultValue = "1048576", paramLabel = "BYTES",
      description = "Largest packet a client may send (MQTT 5 clients are told). Default: ${DEFAULT-VALUE}. "
          + "Env: SHADOWMQ_MAX_PACKET_SIZE.")
  public int maxPacketSize;

  @Option(names = "--max-inflight", defaultValue = "128", paramLabel = "N",
      description = "QoS 1/2 messages in flight to one client before the broker waits for acknowledgements "
          + "(lowered by the client's Receive Maximum). Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_MAX_INFLIGHT.")
  public int maxInflight;

  @Option(names = "--receive-maximum", defaultValue = "1024", paramLabel = "N",
      description = "QoS 2 messages an MQTT 5 client may have unreleased towards the broker. "
          + "Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_RECEIVE_MAXIMUM.")
  public int receiveMaximum;

  @Option(names = "--max-queued-messages", defaultValue = "1000", paramLabel = "N",
      description = "QoS 1/2 messages queued per session while the client is offline or slow. "
          + "Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_MAX_QUEUED_MESSAGES.")
  public int maxQueuedMessages;

  @Option(names = "--queue-drop-policy", defaultValue = "oldest", paramLabel = "oldest|newest",
      description = "Which message a full session queue drops. Default: ${DEFAULT-VALUE}. "
          + "Env: SHADOWMQ_QUEUE_DROP_POLICY.")
  public String queueDropPolicy;

  @Option(names = "--max-topic-length", defaultValue = "1024", paramLabel = "BYTES",
      description = "Longest topic name or filter. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_MAX_TOPIC_LENGTH.")
  public int maxTopicLength;

  @Option(names = "--max-topic-levels", defaultValue = "32", paramLabel = "N",
      description = "Most levels in a topic name or filter. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_MAX_TOPIC_LEVELS.")
  public int maxTopicLevels;

  @Option(names = "--max-subscriptions-per-client", defaultValue = "256", paramLabel = "N",
      description = "Subscriptions one session may hold. Default: ${DEFAULT-VALUE}. "
          + "Env: SHADOWMQ_MAX_SUBSCRIPTIONS_PER_CLIENT.")
  public int maxSubscriptions;

  @Option(names = "--connect-timeout", defaultValue = "10", paramLabel = "SECONDS",
      description = "Time a new connection has to send CONNECT. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_CONNECT_TIMEOUT.")
  public int connectTimeout;

  @Option(names = "--max-connect-rate", defaultValue = "10000", paramLabel = "PER_SECOND",
      description = "CONNECTs accepted per second on this node, 0 for no limit; past it clients are refused "
          + "(MQTT 5 reason 0x9F). Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_MAX_CONNECT_RATE.")
  public int maxConnectRate;

  @Option(names = "--max-keepalive", defaultValue = "0", paramLabel = "SECONDS",
      description = "Cap on the clients' keep-alive, 0 for none; MQTT 5 clients are told (Server Keep Alive), "
          + "3.1.1 clients asking for more are refused. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_MAX_KEEPALIVE.")
  public int maxKeepAlive;

  @Option(names = "--max-client-id-length", defaultValue = "256", paramLabel = "CHARS",
      description = "Longest client id. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_MAX_CLIENT_ID_LENGTH.")
  public int maxClientIdLength;

  @Option(names = "--max-session-expiry", defaultValue = "604800", paramLabel = "SECONDS",
      description = "Longest time an offline session is kept, also for MQTT 3.1.1 clean session 0. "
          + "Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_MAX_SESSION_EXPIRY.")
  public long maxSessionExpiry;

  @Option(names = "--topic-alias-maximum", defaultValue = "32", paramLabel = "N",
      description = "Topic aliases an MQTT 5 client may use towards the broker, 0 for none. "
          + "Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_TOPIC_ALIAS_MAXIMUM.")
  public int topicAliasMaximum;

  @Option(names = "--client-write-buffer", defaultValue = "524288", paramLabel = "BYTES",
      description = "Bytes waiting to be sent to one client before it counts as slow: QoS 0 messages to it are dropped, "
          + "QoS 1/2 ones wait in its session queue. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_CLIENT_WRITE_BUFFER.")
  public int clientWriteBuffer;

  @Option(names = "--shutdown-timeout", defaultValue = "10", paramLabel = "SECONDS",
      description = "Longest a graceful shutdown (SIGTERM) may take. Default: ${DEFAULT-VALUE}. "
          + "Env: SHADOWMQ_SHUTDOWN_TIMEOUT.")
  public int shutdownTimeout;

  @Option(names = "--shadow-max-document-size", defaultValue = "8192", paramLabel = "BYTES",
      description = "Largest shadow: desired plus reported state after an update, metadata excluded (413 past it). "
          + "Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_SHADOW_MAX_DOCUMENT_SIZE.")
  public int shadowMaxDocumentSize;

  @Option(names = "--shadow-max-depth", defaultValue = "6", paramLabel = "N",
      description = "Deepest nesting of objects and arrays in a shadow's desired or reported section (400 past it). "
          + "Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_SHADOW_MAX_DEPTH.")
  public int shadowMaxDepth;

  @Option(names = "--shadow-max-client-token", defaultValue = "64", paramLabel = "BYTES",
      description = "Longest clientToken of a shadow request (400 past it). Default: ${DEFAULT-VALUE}. "
          + "Env: SHADOWMQ_SHADOW_MAX_CLIENT_TOKEN.")
  public int shadowMaxClientToken;

  @Option(names = "--shadow-max-thing-name", defaultValue = "128", paramLabel = "CHARS",
      description = "Longest thing name in shadow topics. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_SHADOW_MAX_THING_NAME.")
  public int shadowMaxThingName;

  @Option(names = "--shadow-max-shadow-name", defaultValue = "64", paramLabel = "CHARS",
      description = "Longest named-shadow name. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_SHADOW_MAX_SHADOW_NAME.")
  public int shadowMaxShadowName;

  @Option(names = "--shadow-rate", defaultValue = "100", paramLabel = "PER_SECOND",
      description = "Shadow requests per second one thing may make, all its shadows together (429 past it). "
          + "Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_SHADOW_RATE.")
  public int shadowRate;

  @Option(names = "--shadow-burst", defaultValue = "200", paramLabel = "N",
      description = "Shadow requests one thing may make at once before --shadow-rate applies. "
          + "Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_SHADOW_BURST.")
  public int shadowBurst;

  @Option(names = "--shadow-cache-size", defaultValue = "100000", paramLabel = "N",
      description = "Shadows kept in memory at most; others are read from PostgreSQL when used. "
          + "Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_SHADOW_CACHE_SIZE.")
  public int shadowCacheSize;

  @Option(names = "--log-level", defaultValue = "info", paramLabel = "LEVEL",
      description = "trace, debug, info, warn or error. Default: ${DEFAULT-VALUE}. Env: SHADOWMQ_LOG_LEVEL.")
  public String logLevel;

  /** True when a certificate is configured, so the TLS listeners open. Checks the TLS options go together. */
  public boolean tlsConfigured() {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    if (tlsCert == null && (tlsCa != null || mqttsPort != null || wssPort != null)) {
      throw new IllegalArgumentException("--tls-ca, --mqtts-port and --wss-port need --tls-cert and --tls-key");
    }
    if (!tlsClientAuth.equals("required") && !tlsClientAuth.equals("optional")) {
      throw new IllegalArgumentException("--tls-client-auth must be required or optional, not " + tlsClientAuth);
    }
    return tlsCert != null;
  }

  /** The --public-url without a trailing slash, or null; refuses one that is not an absolute http(s) URL. */
  public String publicUrl() {
    if (publicUrl == null || publicUrl.isBlank()) {
      return null;
    }
    java.net.URI uri;
    try {
      uri = new java.net.URI(publicUrl.trim());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("--public-url is not a URL: " + publicUrl);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
        || uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException("--public-url must be an absolute http:// or https:// URL without query, "
          + "not " + publicUrl);
    }
    return publicUrl.trim().replaceAll("/+$", "");
  }

  /** Checks the firmware options. */
  public void checkFirmwareOptions() {
    publicUrl();
    if (maxArtifactSize < 1) {
      throw new IllegalArgumentException("--max-artifact-size must be at least 1");
    }
    if (maxConcurrentDownloads < 1) {
      throw new IllegalArgumentException("--max-concurrent-downloads must be at least 1");
    }
    if (rolloutRescanSeconds < 1) {
      throw new IllegalArgumentException("--rollout-rescan-seconds must be at least 1");
    }
    if (maxConcurrentUploads < 1) {
      throw new IllegalArgumentException("--max-concurrent-uploads must be at least 1");
    }
  }

  /** The shadow limits these options describe. */
  public ShadowLimits shadowLimits() {
    return new ShadowLimits(shadowMaxDocumentSize, shadowMaxDepth, shadowMaxClientToken, shadowMaxThingName,
        shadowMaxShadowName, shadowRate, shadowBurst);
  }

  /** The MQTT limits these options describe. */
  public MqttSettings mqttSettings() {
    if (!queueDropPolicy.equals("oldest") && !queueDropPolicy.equals("newest")) {
      throw new IllegalArgumentException("--queue-drop-policy must be oldest or newest, not " + queueDropPolicy);
    }
    return new MqttSettings(maxPacketSize, maxInflight, receiveMaximum, maxQueuedMessages,
        queueDropPolicy.equals("oldest"), maxTopicLength, maxTopicLevels, maxSubscriptions, connectTimeout,
        maxConnectRate, maxKeepAlive, maxClientIdLength, maxSessionExpiry, topicAliasMaximum, clientWriteBuffer);
  }
}
