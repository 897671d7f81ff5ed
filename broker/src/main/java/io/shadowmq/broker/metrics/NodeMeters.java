package io.shadowmq.broker.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.util.Set;

/**
 * The process-wide meters around the broker's own: Vert.x's (HTTP server, PostgreSQL pool), the
 * JVM's and the process's, on the node's registry, minus the few that break the Prometheus format.
 */
public final class NodeMeters {
  /**
   * Micrometer meters whose Prometheus names fail {@code promtool check metrics} (a unit after
   * the counter's name, or a gauge named like a counter); what they say is in other meters.
   */
  static final Set<String> DENIED = Set.of("jvm.compilation.time", "process.cpu.time", "system.cpu.count");

  private NodeMeters() {
  }

  /** Filters the registry and binds the process meters; call before anything registers a meter. */
  public static void prepare(MeterRegistry registry) {
    registry.config().meterFilter(MeterFilter.deny(id -> DENIED.contains(id.getName())));
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /** Vert.x metrics on the registry given to its MicrometerMetricsFactory, with the JVM's meters. */
  public static MetricsOptions vertxOptions() {
    return new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true);
  }
}
