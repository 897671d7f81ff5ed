package io.shadowmq.loadtest.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Samples the CPU time of the load generator's processes and of the broker every 100 ms, so that
 * the CPU used in any time window (say, the measured phase after a warm-up) can be read once the
 * run is over. Times are {@link System#nanoTime()}, comparable across processes on this machine.
 */
public final class CpuSampler implements AutoCloseable {
  private static final long PERIOD_MS = 100;

  private final List<LocalProcess> loadgen;
  private final LocalProcess broker;
  private final List<double[]> samples = new ArrayList<>();
  // Last reading per load generator process: a worker that has ended keeps counting what it used.
  private final double[] lastLoadgen;
  private double lastBroker = Double.NaN;
  private final Thread thread;
  private volatile boolean running = true;

  public CpuSampler(List<LocalProcess> loadgen, LocalProcess broker) {
    this(loadgen, broker, true);
  }

  private CpuSampler(List<LocalProcess> loadgen, LocalProcess broker, boolean sampling) {
    this.loadgen = List.copyOf(loadgen);
    this.broker = broker;
    this.lastLoadgen = new double[this.loadgen.size()];
    if (!sampling) {
      running = false;
      thread = null;
      return;
    }
    sample();
    thread = new Thread(() -> {
      while (running) {
        try {
          Thread.sleep(PERIOD_MS);
        } catch (InterruptedException e) {
          return;
        }
        sample();
      }
    }, "cpu-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private synchronized void sample() {
    double l = 0;
    for (int i = 0; i < lastLoadgen.length; i++) {
      try {
        lastLoadgen[i] = loadgen.get(i).cpuSeconds();
      } catch (IllegalStateException gone) {
        // ended: keep its last reading
      }
      l += lastLoadgen[i];
    }
    if (broker != null) {
      try {
        lastBroker = broker.cpuSeconds();
      } catch (IllegalStateException gone) {
        // ended: keep its last reading
      }
    }
    add(System.nanoTime(), l, lastBroker);
  }

  void add(long nanos, double loadgenSeconds, double brokerSeconds) {
    synchronized (samples) {
      samples.add(new double[] {nanos, loadgenSeconds, brokerSeconds});
    }
  }

  /** A sampler that only holds samples given to {@link #add} (for tests of the arithmetic). */
  static CpuSampler fromSamples() {
    return new CpuSampler(List.of(), null, false);
  }

  /** Takes a last sample and stops sampling. */
  @Override
  public void close() {
    if (thread != null) {
      running = false;
      thread.interrupt();
      sample();
    }
  }

  /** Load generator CPU seconds between two {@link System#nanoTime()} instants. */
  public double loadgenSeconds(long fromNanos, long toNanos) {
    return at(toNanos, 1) - at(fromNanos, 1);
  }

  /** Broker CPU seconds between two instants, or null without a broker process. */
  public Double brokerSeconds(long fromNanos, long toNanos) {
    if (broker == null) {
      return null;
    }
    double v = at(toNanos, 2) - at(fromNanos, 2);
    return Double.isNaN(v) ? null : v;
  }

  /** Linear interpolation between the samples around {@code t}. */
  double at(long t, int column) {
    synchronized (samples) {
      double[] before = samples.get(0);
      for (double[] s : samples) {
        if (s[0] >= t) {
          if (s[0] == before[0]) {
            return s[column];
          }
          double f = (t - before[0]) / (s[0] - before[0]);
          return before[column] + Math.max(0, Math.min(1, f)) * (s[column] - before[column]);
        }
        before = s;
      }
      return before[column];
    }
  }
}
