package io.shadowmq.broker.routing;

import io.shadowmq.broker.codec.PacketProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** Routing: one delivery per subscriber, at the best QoS its subscriptions allow, with all their ids. */
@Timeout(10)
class RouterTest {
  private final SubscriptionTree tree = new SubscriptionTree();
  private final Router router = new Router(tree);
  private final RecordingSubscriber alice = new RecordingSubscriber("alice");
  private final RecordingSubscriber bob = new RecordingSubscriber("bob");

  private static Message message(String topic, int qos, boolean retain, String publisher) {
    return new Message(topic, new byte[] {1}, qos, retain, PacketProperties.NONE, 0, publisher);
  }

  @Test
  void overlappingSubscriptionsDeliverOnceAtTheHighestQosWithEveryIdentifier() {
    tree.subscribe(alice.subscription("a/+", 0, 1));
    tree.subscribe(alice.subscription("a/#", 2, 2));
    tree.subscribe(alice.subscription("#", 1, 0));
    tree.subscribe(bob.subscription("a/b", 1, 0));

    assertThat(router.route(message("a/b", 2, false, "pub"))).isEqualTo(2);

    assertThat(alice.deliveries).singleElement().satisfies(d -> {
      assertThat(d.qos()).isEqualTo(2);
      assertThat(d.subscriptionIds()).containsExactlyInAnyOrder(1, 2);
    });
    assertThat(bob.deliveries).singleElement().satisfies(d -> assertThat(d.qos()).isEqualTo(1));
  }

  @Test
  void deliveryQosIsNeverAboveThePublishedQos() {
    tree.subscribe(alice.subscription("t", 2, 0));
    router.route(message("t", 1, false, "pub"));
    assertThat(alice.deliveries).singleElement().satisfies(d -> assertThat(d.qos()).isEqualTo(1));
  }

  @Test
  void noLocalKeepsAPublishersOwnMessagesFromIt() {
    Topics.ParsedFilter p = Topics.parseFilter("t", 100, 10);
    tree.subscribe(new Subscription(alice, "t", p.topicFilter(), null, 1, true, false, 0, 0));
    tree.subscribe(bob.subscription("t", 1, 0));
    assertThat(router.route(message("t", 1, false, "alice"))).isEqualTo(1);
    assertThat(alice.deliveries).isEmpty();
    assertThat(bob.deliveries).hasSize(1);
  }

  @Test
  void retainFlagIsKeptOnlyForRetainAsPublished() {
    Topics.ParsedFilter p = Topics.parseFilter("t", 100, 10);
    tree.subscribe(new Subscription(alice, "t", p.topicFilter(), null, 1, false, true, 0, 0));
    tree.subscribe(bob.subscription("t", 1, 0));
    router.route(message("t", 1, true, "pub"));
    assertThat(alice.deliveries.get(0).retain()).isTrue();
    assertThat(bob.deliveries.get(0).retain()).isFalse();
  }

  @Test
  void sharedGroupGetsEachMessageOnceBesideOrdinarySubscribers() {
    tree.subscribe(alice.subscription("$share/g/t/+", 1, 0));
    tree.subscribe(bob.subscription("$share/g/t/+", 1, 0));
    tree.subscribe(bob.subscription("t/#", 0, 0));
    for (int i = 0; i < 4; i++) {
      assertThat(router.route(message("t/x", 1, false, "pub"))).isEqualTo(2);
    }
    assertThat(alice.deliveries.size() + bob.deliveries.size()).isEqualTo(8);
    assertThat(alice.deliveries).hasSize(2).allSatisfy(d -> assertThat(d.group()).isNotNull());
    assertThat(bob.deliveries.stream().filter(d -> d.group() == null)).hasSize(4);
  }

  @Test
  void topicWithoutSubscribersReachesNobody() {
    tree.subscribe(alice.subscription("a", 1, 0));
    assertThat(router.route(message("b", 1, false, "pub"))).isZero();
    assertThat(alice.deliveries).isEmpty();
  }
}
