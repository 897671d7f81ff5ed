package io.shadowmq.loadtest.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@Timeout(30)
class CpuSamplerTest {

  @Test
  void cpuOfAWindowIsInterpolatedBetweenSamples() {
    try (CpuSampler s = CpuSampler.fromSamples()) {
      s.add(1_000, 10.0, 0);
      s.add(2_000, 12.0, 0);
      s.add(3_000, 12.0, 0);
      assertThat(s.loadgenSeconds(1_500, 2_500)).isCloseTo(1.0, within(1e-9));
      assertThat(s.loadgenSeconds(2_000, 3_000)).isCloseTo(0.0, within(1e-9));
      assertThat(s.brokerSeconds(1_000, 3_000)).isNull();
    }
  }

  @Test
  void aBusyWindowOfThisProcessShowsItsCpu() {
    LocalProcess self = new LocalProcess(ProcessHandle.current().pid());
    try (CpuSampler s = new CpuSampler(List.of(self), self)) {
      long start = System.nanoTime();
      long x = 0;
      while (System.nanoTime() - start < 600_000_000L) {
        x += Long.numberOfTrailingZeros(x + System.nanoTime());
      }
      long end = System.nanoTime();
      s.close();
      assertThat(x).isPositive();
      assertThat(s.loadgenSeconds(start, end)).isGreaterThan(0.1);
      // Both columns read the same process, a moment apart.
      assertThat(s.brokerSeconds(start, end)).isCloseTo(s.loadgenSeconds(start, end), within(0.05));
    }
  }
}
