package io.shadowmq.loadtest.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class SequenceTrackerTest {

  @Test
  void inOrderMessagesAreUniqueAndInOrder() {
    SequenceTracker t = new SequenceTracker();
    for (long i = 0; i < 1000; i++) {
      assertThat(t.record(i)).isTrue();
    }
    assertThat(t.unique()).isEqualTo(1000);
    assertThat(t.duplicates()).isZero();
    assertThat(t.outOfOrder()).isZero();
  }

  @Test
  void aRepeatedNumberIsADuplicate() {
    SequenceTracker t = new SequenceTracker();
    t.record(0);
    t.record(1);
    assertThat(t.record(1)).isFalse();
    assertThat(t.record(0)).isFalse();
    assertThat(t.duplicates()).isEqualTo(2);
    assertThat(t.unique()).isEqualTo(2);
  }

  @Test
  void aLowerNumberAfterAHigherOneIsOutOfOrder() {
    SequenceTracker t = new SequenceTracker();
    t.record(0);
    t.record(2);
    t.record(1);
    assertThat(t.outOfOrder()).isEqualTo(1);
    assertThat(t.unique()).isEqualTo(3);
    assertThat(t.duplicates()).isZero();
  }

  @Test
  void gapsAreNeitherDuplicatesNorReordering() {
    SequenceTracker t = new SequenceTracker();
    t.record(0);
    t.record(5);
    t.record(9);
    assertThat(t.unique()).isEqualTo(3);
    assertThat(t.outOfOrder()).isZero();
  }

  @Test
  void duplicatesAreFoundAfterTheWindowSlides() {
    SequenceTracker t = new SequenceTracker();
    long n = 5L * SequenceTracker.WINDOW;
    for (long i = 0; i < n; i++) {
      t.record(i);
    }
    assertThat(t.record(n - 10)).isFalse();
    assertThat(t.unique()).isEqualTo(n);
    assertThat(t.duplicates()).isEqualTo(1);
  }
}
