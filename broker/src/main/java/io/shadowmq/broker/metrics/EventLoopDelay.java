package io.shadowmq.broker.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shadowmq.broker.loop.BrokerLoop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How late the event loops run their tasks: every {@link #PERIOD_MILLIS} ms each loop schedules a
 * probe and records how much later than asked it ran. A busy or blocked loop shows here first.
 */
public final class EventLoopDelay implements AutoCloseable {
  static final long PERIOD_MILLIS = 200;
  private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)};

  private final Timer delay;
  private volatile boolean closed;

  private EventLoopDelay(MeterRegistry registry) {
    this.delay = Timer.builder("shadowmq.event.loop.delay")
        .description("How much later than scheduled the event loops ran a task (all loops)")
        .serviceLevelObjectives(BUCKETS).register(registry);
  }

  /** Starts probing every loop. */
  public static EventLoopDelay start(MeterRegistry registry, List<BrokerLoop> loops) {
    EventLoopDelay d = new EventLoopDelay(registry);
    for (BrokerLoop loop : loops) {
      d.probe(loop);
    }
    return d;
  }

  private void probe(BrokerLoop loop) {
    if (closed) {
      return;
    }
    long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);
    loop.schedule(() -> {
      delay.record(Math.max(0, System.nanoTime() - due), TimeUnit.NANOSECONDS);
      probe(loop);
    }, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    closed = true;
  }
}
