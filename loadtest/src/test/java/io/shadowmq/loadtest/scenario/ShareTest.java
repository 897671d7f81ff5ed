package io.shadowmq.loadtest.scenario;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class ShareTest {

  @Test
  void partsAreContiguousNearEqualAndCoverEverything() {
    long next = 0;
    for (int k = 0; k < 3; k++) {
      Share s = Share.of(10, k, 3);
      assertThat(s.start()).isEqualTo(next);
      assertThat(s.size()).isBetween(3L, 4L);
      next = s.end();
    }
    assertThat(next).isEqualTo(10);
  }

  @Test
  void aSingleItemGoesToTheFirstPart() {
    assertThat(Share.of(1, 0, 4).size()).isEqualTo(1);
    assertThat(Share.of(1, 3, 4).size()).isZero();
  }
}
