package io.shadowmq.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Meters of the device download endpoint: downloads started, completed, failed and refused, and bytes served. */
final class DownloadMetrics {
  private final MeterRegistry registry;
  private final Counter started;
  private final Counter completed;
  private final Counter failed;
  private final Counter bytes;
  private final Map<String, Counter> refused = new ConcurrentHashMap<>();

  DownloadMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.started = Counter.builder("shadowmq.firmware.downloads.started")
        .description("Artifact downloads that began sending bytes").register(registry);
    this.completed = Counter.builder("shadowmq.firmware.downloads.completed")
        .description("Artifact downloads that sent every byte asked for").register(registry);
    this.failed = Counter.builder("shadowmq.firmware.downloads.failed")
        .description("Artifact downloads cut off (client gone, storage error)").register(registry);
    this.bytes = Counter.builder("shadowmq.firmware.download.bytes").baseUnit("bytes")
        .description("Artifact bytes sent to devices").register(registry);
    for (String reason : new String[] {"expired", "bad-signature", "busy", "not-found"}) {
      refusedCounter(reason); // registered up front, so dashboards see zeros
    }
  }

  void started() {
    started.increment();
  }

  void completed() {
    completed.increment();
  }

  void failed() {
    failed.increment();
  }

  void sent(long n) {
    bytes.increment(n);
  }

  /** A request refused before any byte was sent: expired, bad-signature, busy or not-found. */
  void refused(String reason) {
    refusedCounter(reason).increment();
  }

  private Counter refusedCounter(String reason) {
    return refused.computeIfAbsent(reason, r -> Counter.builder("shadowmq.firmware.downloads.refused")
        .tag("reason", r).description("Download requests refused (bad link, unknown artifact, too many downloads)")
        .register(registry));
  }
}
