package io.shadowmq.broker.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Topic names and filters as MQTT 4.7 defines them, with the broker's length and depth limits. */
@Timeout(10)
class TopicsTest {
  private static final int MAX_LENGTH = 16;
  private static final int MAX_LEVELS = 4;

  @Test
  void levelsKeepEmptyLevels() {
    assertThat(Topics.levels("a//b/")).containsExactly("a", "", "b", "");
    assertThat(Topics.levels("/")).containsExactly("", "");
    assertThat(Topics.levels("a")).containsExactly("a");
    assertThat(Topics.levelCount("/a/b")).isEqualTo(3);
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"a", "a/b", "/", "a//b", "$SYS/x", "ü/ß", "a b", "a/b/c/d", "0123456789abcdef"})
  void validTopicNameIsAccepted(String topic) {
    assertThat(Topics.checkTopicName(topic, MAX_LENGTH, MAX_LEVELS)).isNull();
  }

  @ParameterizedTest(name = "''{0}'': {1}")
  @CsvSource(delimiter = '|', value = {
      "''                  | empty topic name",
      "a/+                 | wildcard",
      "a/#                 | wildcard",
      "a+                  | wildcard",
      "0123456789abcdefg   | longer than 16 bytes",
      "üüüüüüüüü           | longer than 16 bytes",
      "a/b/c/d/e           | deeper than 4 levels",
  })
  void invalidTopicNameIsRefusedWithTheReason(String topic, String reason) {
    assertThat(Topics.checkTopicName(topic, MAX_LENGTH, MAX_LEVELS)).contains(reason);
  }

  @ParameterizedTest(name = "''{0}'' -> group ''{1}'', filter ''{2}''")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "a/b           | -  | a/b",
      "+             | -  | +",
      "#             | -  | #",
      "a/+/#         | -  | a/+/#",
      "+/+           | -  | +/+",
      "/             | -  | /",
      "$SYS/#        | -  | $SYS/#",
      "$share/g/a/#  | g  | a/#",
      "$share/g/#    | g  | #",
      "$share/g//    | g  | /",
      "$sharex/a     | -  | $sharex/a",
      "$share        | -  | $share",
  })
  void validFilterIsParsed(String filter, String group, String topicFilter) {
    Topics.ParsedFilter p = Topics.parseFilter(filter, MAX_LENGTH, MAX_LEVELS);
    assertThat(p.shareGroup()).isEqualTo(group);
    assertThat(p.topicFilter()).isEqualTo(topicFilter);
  }

  @ParameterizedTest(name = "''{0}'': {1}")
  @CsvSource(delimiter = '|', value = {
      "''                  | empty topic filter",
      "a/#/b               | '#' must be the whole last level",
      "#/a                 | '#' must be the whole last level",
      "a#                  | '#' must be the whole last level",
      "a/b#                | '#' must be the whole last level",
      "a+                  | '+' must be a whole level",
      "+a/b                | '+' must be a whole level",
      "a/++                | '+' must be a whole level",
      "$share/g            | without a topic filter",
      "$share//a           | empty group name",
      "$share/g/           | empty topic filter",
      "$share/g+/a         | wildcard in a shared subscription group name",
      "$share/#/a          | wildcard in a shared subscription group name",
      "a/b/c/d/e           | deeper than 4 levels",
      "0123456789abcdefg   | longer than 16 bytes",
      "$share/g/a/#/b      | '#' must be the whole last level",
  })
  void invalidFilterIsRefusedWithTheReason(String filter, String reason) {
    assertThatIllegalArgumentException().isThrownBy(() -> Topics.parseFilter(filter, MAX_LENGTH, MAX_LEVELS))
        .withMessageContaining(reason);
  }
}
