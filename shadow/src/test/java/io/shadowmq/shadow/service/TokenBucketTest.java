package io.shadowmq.shadow.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

@Timeout(10)
class TokenBucketTest {
  static final long MS = 1_000_000L;

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments("the burst is served at once, then refused", 100, 3, new long[] {0, 0, 0, 0},
            List.of(true, true, true, false)),
        arguments("tokens come back at the rate", 10, 1, new long[] {0, 50 * MS, 100 * MS, 150 * MS},
            List.of(true, false, true, false)),
        arguments("an idle bucket fills up to the burst, no more", 1000, 2, new long[] {0, 0, 10_000 * MS,
            10_000 * MS, 10_000 * MS}, List.of(true, true, true, true, false)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aBucketServesItsBurstThenItsRate(String name, int perSecond, int burst, long[] times, List<Boolean> expected) {
    TokenBucket bucket = new TokenBucket(perSecond, burst, 0);
    List<Boolean> served = new ArrayList<>();
    for (long t : times) {
      served.add(bucket.tryTake(t));
    }
    assertThat(served).isEqualTo(expected);
  }

  @Test
  void theDefaultsServeAboutThreeHundredRequestsInTheFirstSecond() {
    TokenBucket bucket = new TokenBucket(100, 200, 0);
    int served = 0;
    for (int i = 0; i < 400; i++) {
      if (bucket.tryTake(1000 * MS * i / 399)) {
        served++;
      }
    }
    assertThat(served).as("200 at once plus 100 over the second").isBetween(299, 301);
  }
}
