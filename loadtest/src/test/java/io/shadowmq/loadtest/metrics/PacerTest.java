package io.shadowmq.loadtest.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class PacerTest {
  private static final long S = 1_000_000_000L;

  @Test
  void issuesTheTargetRateOverTime() {
    Pacer p = new Pacer(1000, 0);
    assertThat(p.due(0)).isZero();
    assertThat(p.due(S / 2)).isEqualTo(500);
    p.issued(500);
    assertThat(p.due(S)).isEqualTo(500);
    p.issued(500);
    assertThat(p.due(S)).isZero();
    long total = 1000;
    for (long t = S; t <= 10 * S; t += S / 100) {
      long d = p.due(t);
      p.issued(d);
      total += d;
    }
    assertThat(total).isEqualTo(10_000);
    assertThat(p.behind()).isZero();
  }

  @Test
  void fractionalRatesAccumulate() {
    Pacer p = new Pacer(0.5, 0);
    assertThat(p.due(S)).isZero();
    assertThat(p.due(2 * S)).isEqualTo(1);
    p.issued(1);
    assertThat(p.due(3 * S)).isZero();
    assertThat(p.due(4 * S)).isEqualTo(1);
  }

  @Test
  void aStalledSenderDoesNotBurstMoreThanOneSecondAndCountsWhatItSkipped() {
    Pacer p = new Pacer(100, 0);
    assertThat(p.due(10 * S)).isEqualTo(100);
    assertThat(p.behind()).isEqualTo(900);
    p.issued(100);
    assertThat(p.due(10 * S + S / 10)).isEqualTo(10);
  }

  @Test
  void unlimitedMeansAlwaysDue() {
    Pacer p = new Pacer(0, 0);
    assertThat(p.unlimited()).isTrue();
    assertThat(p.due(1)).isEqualTo(Long.MAX_VALUE);
  }
}
