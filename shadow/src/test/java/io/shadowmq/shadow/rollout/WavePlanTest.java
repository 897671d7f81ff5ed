package io.shadowmq.shadow.rollout;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WavePlanTest {
  private static List<Integer> sizes(RolloutSpec.Waves waves, int eligible) {
    WavePlan plan = WavePlan.of(waves, eligible);
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < plan.waves(); i++) {
      out.add(plan.size(i));
    }
    return out;
  }

  private static RolloutSpec.Waves explicit(Object... sizes) {
    return new RolloutSpec.Waves(List.of(sizes), 0, 0, 0);
  }

  @Test
  void explicitSizesAreCumulativeCountsOrPercentsRoundedUp() {
    assertThat(sizes(explicit(2, 10.0, 50.0, 100.0), 100)).containsExactly(2, 8, 40, 50);
    assertThat(sizes(explicit(2, 10.0, 50.0, 100.0), 7)).containsExactly(2, 2, 3); // 10% of 7 is 1: an empty wave is dropped
    assertThat(sizes(explicit(1, 50.0, 100.0), 6)).containsExactly(1, 2, 3);
  }

  @Test
  void theLastWaveReachesEveryEligibleDevice() {
    assertThat(sizes(explicit(5, 20.0), 100)).containsExactly(5, 15, 80);
    assertThat(sizes(explicit(500), 10)).containsExactly(10);
  }

  @Test
  void canaryGrowsByItsFactorUpToTheMaximumWaveSize() {
    RolloutSpec.Waves canary = new RolloutSpec.Waves(null, 5, 2, 1000);
    assertThat(sizes(canary, 100)).containsExactly(5, 10, 20, 40, 25);
    assertThat(sizes(canary, 5000)).containsExactly(5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000, 725);
    assertThat(sizes(new RolloutSpec.Waves(null, 3, 1, 3), 7)).containsExactly(3, 3, 1);
  }

  @Test
  void noEligibleDeviceMeansNoWave() {
    assertThat(WavePlan.of(explicit(1, 100.0), 0).waves()).isZero();
    assertThat(WavePlan.of(new RolloutSpec.Waves(null, 5, 2, 10), 0).waves()).isZero();
  }
}
