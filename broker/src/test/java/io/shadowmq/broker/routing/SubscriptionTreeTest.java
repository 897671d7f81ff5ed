package io.shadowmq.broker.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Topic matching in the subscription trie (MQTT 5 section 4.7, MQTT 3.1.1 section 4.7). */
@Timeout(10)
class SubscriptionTreeTest {
  private final SubscriptionTree tree = new SubscriptionTree();
  private final RecordingSubscriber alice = new RecordingSubscriber("alice");

  private boolean matches(String topic) {
    SubscriptionTree.MatchResult r = new SubscriptionTree.MatchResult();
    tree.match(topic, r);
    return !r.isEmpty();
  }

  @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
  @CsvSource(delimiter = '|', value = {
      "a/b       | a/b     | true",
      "a/b       | a/c     | false",
      "a/b       | a/b/c   | false",
      "a/b       | a       | false",
      "A         | a       | false",
      "a/+       | a/b     | true",
      "a/+       | a/      | true",
      "a/+       | a       | false",
      "a/+       | a/b/c   | false",
      "+         | a       | true",
      "+         | /a      | false",
      "+/+       | /a      | true",
      "/+        | /a      | true",
      "+/b/+     | a/b/c   | true",
      "a/+/c     | a//c    | true",
      "a/+/c     | a/b/d   | false",
      "a//b      | a//b    | true",
      "a//b      | a/b     | false",
      "a/b/      | a/b     | false",
      "a/b/+     | a/b/    | true",
      "#         | a       | true",
      "#         | a/b/c   | true",
      "#         | /       | true",
      "#         | /a      | true",
      "a/#       | a       | true",
      "a/#       | a/      | true",
      "a/#       | a/b/c   | true",
      "a/#       | ab      | false",
      "a/#       | b/a     | false",
      "a/b/#     | a/b     | true",
      "+/#       | a       | true",
      "+/+/#     | a       | false",
      "ü/+       | ü/ä     | true",
      "#         | $SYS/x  | false",
      "#         | $       | false",
      "+/x       | $SYS/x  | false",
      "+         | $SYS    | false",
      "+/#       | $SYS/x  | false",
      "$SYS/#    | $SYS/x  | true",
      "$SYS/#    | $SYS    | true",
      "$SYS/+    | $SYS/x  | true",
      "a/#       | a/$b    | true",
      "+/$b      | a/$b    | true",
  })
  void filterMatchesTopic(String filter, String topic, boolean expected) {
    tree.subscribe(alice.subscription(filter, 0, 0));
    assertThat(matches(topic)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
  @CsvSource(delimiter = '|', value = {
      "$share/g/a/+   | a/b     | true",
      "$share/g/a/+   | a/b/c   | false",
      "$share/g/#     | a       | true",
      "$share/g/#     | $SYS/x  | false",
      "$share/g/a/#   | a       | true",
      "$share/g//a    | /a      | true",
  })
  void sharedSubscriptionMatchesByItsFilterAndCountsAsItsGroup(String filter, String topic, boolean expected) {
    tree.subscribe(alice.subscription(filter, 1, 0));
    SubscriptionTree.MatchResult r = new SubscriptionTree.MatchResult();
    tree.match(topic, r);
    assertThat(r.subscriptions).isEmpty();
    assertThat(r.groups).hasSize(expected ? 1 : 0);
    if (expected) {
      assertThat(r.groups.get(0).name()).isEqualTo("g");
      assertThat(r.groups.get(0).pick(null).subscriber()).isSameAs(alice);
    }
  }

  @Test
  void sharedGroupsOfTheSameNameOnDifferentFiltersAreDistinct() {
    RecordingSubscriber bob = new RecordingSubscriber("bob");
    tree.subscribe(alice.subscription("$share/g/a/+", 0, 0));
    tree.subscribe(bob.subscription("$share/g/a/#", 0, 0));
    tree.subscribe(bob.subscription("$share/h/a/+", 0, 0));
    SubscriptionTree.MatchResult r = new SubscriptionTree.MatchResult();
    tree.match("a/b", r);
    assertThat(r.groups).extracting(g -> g.name() + " " + g.topicFilter())
        .containsExactlyInAnyOrder("g a/+", "g a/#", "h a/+");
  }

  @Test
  void sharedGroupDealsMessagesRoundRobinPreferringConnectedMembers() {
    RecordingSubscriber bob = new RecordingSubscriber("bob");
    RecordingSubscriber carol = new RecordingSubscriber("carol");
    tree.subscribe(alice.subscription("$share/g/t", 0, 0));
    tree.subscribe(bob.subscription("$share/g/t", 0, 0));
    tree.subscribe(carol.subscription("$share/g/t", 0, 0));
    SharedGroup g = tree.sharedGroup("t", "g");

    assertThat(java.util.stream.IntStream.range(0, 6).mapToObj(i -> g.pick(null).subscriber().clientId()))
        .containsExactlyInAnyOrder("alice", "alice", "bob", "bob", "carol", "carol");
    bob.online = false;
    carol.online = false;
    assertThat(java.util.stream.IntStream.range(0, 4).mapToObj(i -> g.pick(null).subscriber().clientId()))
        .containsOnly("alice");
    assertThat(g.pick(alice).subscriber()).as("an offline member, when the only connected one leaves").isIn(bob, carol);
  }

  @Test
  void resubscribingReplacesTheSubscriptionAndUnsubscribingPrunesTheTrie() {
    tree.subscribe(alice.subscription("a/+/c", 0, 0));
    Subscription replaced = tree.subscribe(alice.subscription("a/+/c", 2, 7));
    assertThat(replaced.qos()).isZero();
    assertThat(tree.size()).isEqualTo(1);
    SubscriptionTree.MatchResult r = new SubscriptionTree.MatchResult();
    tree.match("a/b/c", r);
    assertThat(r.subscriptions).singleElement().satisfies(s -> {
      assertThat(s.qos()).isEqualTo(2);
      assertThat(s.subscriptionId()).isEqualTo(7);
    });

    assertThat(tree.unsubscribe(alice, "a/+/c", null)).isTrue();
    assertThat(tree.unsubscribe(alice, "a/+/c", null)).isFalse();
    assertThat(tree.size()).isZero();
    assertThat(matches("a/b/c")).isFalse();
  }

  @Test
  void manySubscribersOnOneFilterAllMatch() {
    for (int i = 0; i < 100; i++) {
      tree.subscribe(new RecordingSubscriber("s" + i).subscription("x/+", 0, 0));
    }
    SubscriptionTree.MatchResult r = new SubscriptionTree.MatchResult();
    tree.match("x/y", r);
    assertThat(r.subscriptions).hasSize(100);
    assertThat(r.mayRepeatSubscribers()).as("one node cannot repeat a subscriber").isFalse();
  }

  @Test
  void overlappingFiltersOfOneSubscriberAreFlaggedForDeduplication() {
    tree.subscribe(alice.subscription("a/+", 0, 0));
    tree.subscribe(alice.subscription("a/#", 0, 0));
    SubscriptionTree.MatchResult r = new SubscriptionTree.MatchResult();
    tree.match("a/b", r);
    assertThat(r.subscriptions).hasSize(2);
    assertThat(r.mayRepeatSubscribers()).isTrue();
  }
}
