package io.shadowmq.broker.auth;

import io.shadowmq.broker.routing.Topics;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class TopicPatternsTest {

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
      "devices/a/#, devices/a, true",
      "devices/a/#, devices/a/x/y, true",
      "devices/a/#, devices/ab/x, false",
      "devices/+/telemetry, devices/a/telemetry, true",
      "devices/+/telemetry, devices/a/b/telemetry, false",
      "#, $aws/things/a/shadow/get, true",
      "+/x, $sys/x, true",
      "a/b, a/b, true",
      "a/b, a/b/c, false",
      "a/b/c, a/b, false",
  })
  void publishMatching(String pattern, String topic, boolean expected) {
    assertThat(TopicPatterns.matches(Topics.levels(pattern), Topics.levels(topic))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} covers {1}: {2}")
  @CsvSource({
      "devices/a/#, devices/a/#, true",
      "devices/a/#, devices/a/+/x, true",
      "devices/a/#, devices/a, true",
      "devices/a/#, devices/+/x, false",
      "devices/a/#, devices/#, false",
      "devices/a/#, #, false",
      "devices/+/telemetry, devices/+/telemetry, true",
      "devices/+/telemetry, devices/a/telemetry, true",
      "devices/+/telemetry, devices/#, false",
      "devices/+/telemetry, devices/+/+, false",
      "a/b, a/b, true",
      "a/b, a/+, false",
      "a/b, a/b/c, false",
  })
  void subscriptionCovering(String pattern, String filter, boolean expected) {
    assertThat(TopicPatterns.covers(Topics.levels(pattern), Topics.levels(filter))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} overlaps {1}: {2}")
  @CsvSource({
      "devices/secret/#, devices/#, true",
      "devices/secret/#, devices/+/x, true",
      "devices/secret/#, #, true",
      "devices/secret/#, devices/public/#, false",
      "devices/secret/#, devices, false",
      "devices/#, devices, true",
      "a/b, a/+/c, false",
      "a/+, +/b, true",
      "a/b/c, a/b, false",
  })
  void denyRulesApplyToOverlappingFilters(String pattern, String filter, boolean expected) {
    assertThat(TopicPatterns.intersects(Topics.levels(pattern), Topics.levels(filter))).isEqualTo(expected);
  }
}
