package io.shadowmq.loadtest;

import io.shadowmq.loadtest.client.LinkSettings;
import io.shadowmq.loadtest.client.SourceAddresses;
import io.shadowmq.loadtest.scenario.RunOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Options every scenario takes: target, bounds, message shape, protocol, TLS, scaling. */
public final class CommonOptions {
  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Broker host. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--port", defaultValue = "1883", description = "Broker port. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--duration", defaultValue = "10", paramLabel = "SECONDS",
      description = "Length of the measured phase; 0 to bound the run by --count only. Default: ${DEFAULT-VALUE}.")
  double duration;

  @Option(names = "--count", defaultValue = "0", paramLabel = "N",
      description = "Total messages (pubsub) or shadow updates (shadow) over all workers; 0 for no limit. "
          + "Default: ${DEFAULT-VALUE}.")
  long count;

  @Option(names = "--json", paramLabel = "FILE", description = "Write the full result as JSON to FILE.")
  Path json;

  @Option(names = "--qos", defaultValue = "0", description = "QoS of publishes and subscriptions. Default: ${DEFAULT-VALUE}.")
  int qos;

  @Option(names = "--payload", defaultValue = "64", paramLabel = "BYTES",
      description = "Payload size (at least 20: sender, number and send time). Default: ${DEFAULT-VALUE}.")
  int payload;

  @Option(names = "--mqtt", defaultValue = "3", paramLabel = "3|5",
      description = "Protocol: 3 for MQTT 3.1.1 (Vert.x client), 5 for MQTT 5 (HiveMQ client). Default: ${DEFAULT-VALUE}.")
  int mqtt;

  @Option(names = "--tls", description = "Connect with TLS.")
  boolean tls;

  @Option(names = "--tls-insecure", description = "With --tls: trust any certificate and skip host name checks.")
  boolean tlsInsecure;

  @Option(names = "--truststore", paramLabel = "FILE",
      description = "With --tls: CA certificates (PEM, or .jks/.p12 with --truststore-password).")
  Path trustStore;

  @Option(names = "--truststore-password", paramLabel = "PASSWORD")
  String trustStorePassword;

  @Option(names = "--username")
  String username;

  @Option(names = "--password")
  String password;

  @Option(names = "--client-prefix", defaultValue = "lt-",
      description = "Prefix of every client id (ids are PREFIX + role + '-' + index). Default: ${DEFAULT-VALUE}.")
  String clientPrefix;

  @Option(names = "--topic-prefix", defaultValue = "lt",
      description = "First level of benchmark topics (PREFIX/RUN/pattern/...). Default: ${DEFAULT-VALUE}.")
  String topicPrefix;

  @Option(names = "--persistent", description = "Persistent sessions (clean session 0; MQTT 5: session expiry).")
  boolean persistent;

  @Option(names = "--session-expiry", defaultValue = "3600", paramLabel = "SECONDS",
      description = "MQTT 5 session expiry of persistent sessions. Default: ${DEFAULT-VALUE}.")
  long sessionExpiry;

  @Option(names = "--connect-rate", defaultValue = "1000", paramLabel = "PER_SECOND",
      description = "New connections per second while setting up; 0 for as fast as possible. Default: ${DEFAULT-VALUE}.")
  double connectRate;

  @Option(names = "--connect-timeout", defaultValue = "10", paramLabel = "SECONDS",
      description = "Time for one connection to be accepted (TCP, TLS and CONNACK). Default: ${DEFAULT-VALUE}.")
  int connectTimeout;

  @Option(names = "--keep-alive", defaultValue = "60", paramLabel = "SECONDS", description = "Default: ${DEFAULT-VALUE}.")
  int keepAlive;

  @Option(names = "--max-inflight", defaultValue = "64", paramLabel = "N",
      description = "Unacknowledged QoS 1/2 publishes (unflushed QoS 0 writes) per publisher. Default: ${DEFAULT-VALUE}.")
  int maxInflight;

  @Option(names = "--workers", defaultValue = "1", paramLabel = "K",
      description = "Run K worker processes (JVMs), each with its share of the clients, and merge their results. "
          + "Default: ${DEFAULT-VALUE}.")
  int workers;

  @Option(names = "--source-ips", paramLabel = "RANGE",
      description = "Spread connections over local source addresses, e.g. 127.0.0.2-127.0.0.20.")
  String sourceIps;

  @Option(names = "--broker-pid", paramLabel = "PID",
      description = "Local broker process: report its CPU time, and for connect its memory (RSS; live heap for a JVM).")
  Long brokerPid;

  @Option(names = "--broker-name", paramLabel = "NAME", description = "Label of the broker in the table and JSON.")
  String brokerName;

  @Option(names = "--event-loops", defaultValue = "0", paramLabel = "N",
      description = "Event loop threads per process; 0 for one per core. Default: ${DEFAULT-VALUE}.")
  int eventLoops;

  @Option(names = "--worker-index", hidden = true, defaultValue = "-1")
  int workerIndex;

  @Option(names = "--worker-count", hidden = true, defaultValue = "1")
  int workerCount;

  @Option(names = "--run-id", hidden = true)
  String runId;

  boolean isWorker() {
    return workerIndex >= 0;
  }

  String runId() {
    if (runId == null) {
      runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
    }
    return runId;
  }

  int eventLoops() {
    return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
  }

  String brokerLabel() {
    return brokerName != null ? brokerName : host + ":" + port;
  }

  LinkSettings linkSettings() {
    return new LinkSettings(host, port, mqtt, tls || tlsInsecure || trustStore != null, tlsInsecure, trustStore,
        trustStorePassword, username, password, keepAlive, connectTimeout, sessionExpiry,
        SourceAddresses.parse(sourceIps));
  }

  RunOptions runOptions() {
    return new RunOptions(duration, count, qos, payload, persistent, clientPrefix, topicPrefix, connectRate,
        maxInflight, Math.max(0, workerIndex), isWorker() ? workerCount : 1, runId());
  }
}
