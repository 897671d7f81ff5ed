package io.shadowmq.broker.retained;

import io.shadowmq.broker.codec.PacketProperties;
import io.shadowmq.broker.routing.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Retained messages looked up by topic filter: the same matching rules as live delivery. */
@Timeout(10)
class RetainedTreeTest {
  private static final String[] TOPICS = {"a", "a/b", "a/b/c", "a/c", "a//c", "b", "/", "/a", "$SYS/x", "$SYS", "a/$x"};

  private final RetainedTree retained = new RetainedTree();

  private static Message message(String topic, String payload, long expiresAt) {
    return new Message(topic, payload.getBytes(StandardCharsets.UTF_8), 1, true, PacketProperties.NONE, expiresAt, "pub");
  }

  @BeforeEach
  void retainOneMessagePerTopic() {
    for (String t : TOPICS) {
      retained.put(message(t, "m:" + t, 0));
    }
  }

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(delimiter = '|', value = {
      "a         | a",
      "a/b       | a/b",
      "x         | ''",
      "+         | a b",
      "+/+       | a/b a/c / /a a/$x",
      "a/+       | a/b a/c a/$x",
      "a/+/c     | a/b/c a//c",
      "/+        | / /a",
      "a/#       | a a/b a/b/c a/c a//c a/$x",
      "a/b/#     | a/b a/b/c",
      "#         | a a/b a/b/c a/c a//c b / /a a/$x",
      "+/#       | a a/b a/b/c a/c a//c b / /a a/$x",
      "$SYS/#    | $SYS/x $SYS",
      "$SYS/+    | $SYS/x",
      "+/x       | ''",
  })
  void wildcardLookupFindsTheMatchingTopicsOnly(String filter, String topics) {
    String[] expected = topics.isEmpty() ? new String[0] : topics.split(" ");
    assertThat(retained.match(filter, System.currentTimeMillis())).extracting(Message::topic)
        .containsExactlyInAnyOrder(expected);
  }

  @Test
  void newMessageReplacesAndEmptyPayloadClears() {
    assertThat(retained.size()).isEqualTo(TOPICS.length);
    retained.put(message("a/b", "new", 0));
    assertThat(retained.match("a/b", 0)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8)).containsExactly("new");
    assertThat(retained.size()).isEqualTo(TOPICS.length);

    retained.put(message("a/b", "", 0));
    assertThat(retained.match("a/b", 0)).isEmpty();
    assertThat(retained.match("a/#", 0)).extracting(Message::topic).doesNotContain("a/b").contains("a/b/c");
    assertThat(retained.size()).isEqualTo(TOPICS.length - 1);
  }

  @Test
  void clearingEveryTopicEmptiesTheTree() {
    Arrays.stream(TOPICS).forEach(t -> retained.put(message(t, "", 0)));
    assertThat(retained.size()).isZero();
    assertThat(retained.match("#", 0)).isEmpty();
    retained.put(message("x/y", "", 0)); // clearing a topic that has nothing is a no-op
    assertThat(retained.size()).isZero();
  }

  @Test
  void expiredMessageIsNotReturned() {
    long now = System.currentTimeMillis();
    retained.put(message("e/1", "soon", now + 1_000));
    retained.put(message("e/2", "later", now + 60_000));
    assertThat(retained.match("e/+", now)).extracting(Message::topic).containsExactlyInAnyOrder("e/1", "e/2");
    assertThat(retained.match("e/+", now + 1_000)).extracting(Message::topic).containsExactly("e/2");
  }
}
