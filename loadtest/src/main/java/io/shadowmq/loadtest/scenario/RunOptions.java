package io.shadowmq.loadtest.scenario;

/**
 * What bounds and shapes a run, shared by the scenarios: time and count limits, message
 * parameters, naming, and which share of the load this process carries.
 *
 * @param durationSeconds length of the measured phase
 * @param count total messages (or updates) over all processes; 0 for no count limit
 * @param connectRate new connections per second while setting up
 * @param maxInflight unacknowledged QoS 1/2 publishes (or unflushed QoS 0 writes) per client
 * @param workerIndex this process's part of the load, 0-based
 * @param workerCount how many processes share the load
 * @param runId distinguishes this run's topics from other runs on the same broker
 */
public record RunOptions(
    double durationSeconds,
    long count,
    int qos,
    int payloadBytes,
    boolean persistent,
    String clientPrefix,
    String topicPrefix,
    double connectRate,
    int maxInflight,
    int workerIndex,
    int workerCount,
    String runId) {

  public RunOptions {
    if (qos < 0 || qos > 2) {
      throw new IllegalArgumentException("--qos must be 0, 1 or 2");
    }
    if (durationSeconds <= 0 && count <= 0) {
      throw new IllegalArgumentException("a run needs --duration or --count");
    }
  }

  /** This process's share of {@code total} items. */
  public Share share(long total) {
    return Share.of(total, workerIndex, workerCount);
  }

  /** Whether the measured phase is bounded by time. */
  public boolean timed() {
    return durationSeconds > 0;
  }
}
