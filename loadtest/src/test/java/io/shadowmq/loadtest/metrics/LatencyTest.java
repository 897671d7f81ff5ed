package io.shadowmq.loadtest.metrics;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class LatencyTest {

  @Test
  void exportedHistogramDecodesToTheSameDistribution() {
    Latency l = new Latency();
    for (int i = 1; i <= 10_000; i++) {
      l.recordMicros(i);
    }
    Histogram h = l.snapshot();
    Histogram back = Latency.decode(Latency.encode(h));
    assertThat(back).isEqualTo(h);
    assertThat(back.getTotalCount()).isEqualTo(10_000);
    assertThat(back.getMaxValue()).isEqualTo(h.getMaxValue());
  }

  @Test
  void percentilesAreInMilliseconds() {
    Latency l = new Latency();
    for (int i = 1; i <= 1000; i++) {
      l.recordMicros(i * 1000L); // 1 ms .. 1000 ms
    }
    JsonObject p = Latency.percentilesMs(l.snapshot());
    assertThat(p.getDouble("p50")).isBetween(499.0, 501.0);
    assertThat(p.getDouble("p90")).isBetween(899.0, 901.0);
    assertThat(p.getDouble("p99")).isBetween(989.0, 991.0);
    assertThat(p.getDouble("p999")).isBetween(998.0, 1001.0);
    assertThat(p.getDouble("max")).isBetween(999.0, 1001.0);
  }

  @Test
  void snapshotsAccumulateAcrossCalls() {
    Latency l = new Latency();
    l.recordMicros(5);
    assertThat(l.snapshot().getTotalCount()).isEqualTo(1);
    l.recordMicros(7);
    assertThat(l.snapshot().getTotalCount()).isEqualTo(2);
  }

  @Test
  void anEmptyHistogramHasNoPercentiles() {
    assertThat(Latency.percentilesMs(new Latency().snapshot())).isNull();
  }

  @Test
  void garbageIsNotAHistogram() {
    assertThatThrownBy(() -> Latency.decode("bm90IGEgaGlzdG9ncmFt")).isInstanceOf(RuntimeException.class);
  }
}
