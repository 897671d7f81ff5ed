package io.shadowmq.broker.routing;

import io.netty.util.concurrent.FastThreadLocal;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends a published message to every subscriber whose subscriptions match its topic: once per
 * subscriber, at the highest QoS of its matching subscriptions and with all their identifiers,
 * and to one member of each matching shared group. Runs on the publisher's event loop; subscribers
 * take the deliveries over to their own loops.
 */
public final class Router {
  private final SubscriptionTree tree;
  private final FastThreadLocal<Scratch> scratch = new FastThreadLocal<>() {
    @Override
    protected Scratch initialValue() {
      return new Scratch();
    }
  };

  public Router(SubscriptionTree tree) {
    this.tree = tree;
  }

  public SubscriptionTree tree() {
    return tree;
  }

  /** Per-thread reusable state: routing allocates nothing per message but the deliveries. */
  private static final class Scratch {
    final SubscriptionTree.MatchResult match = new SubscriptionTree.MatchResult();
    final Map<Subscriber, Aggregate> bySubscriber = new IdentityHashMap<>();
    boolean inUse;
  }

  /** Several subscriptions of one subscriber that matched the same message. */
  private static final class Aggregate {
    int qos;
    boolean retainAsPublished;
    int[] ids;
  }

  /**
   * Routes a message to its subscribers.
   *
   * @return how many subscribers (shared groups counting once) it was delivered to
   */
  public int route(Message message) {
    Scratch s = scratch.get();
    if (s.inUse) {
      s = new Scratch(); // re-entered from a delivery: do not clobber the outer match
    }
    s.inUse = true;
    try {
      SubscriptionTree.MatchResult match = s.match;
      match.clear();
      tree.match(message.topic(), match);
      if (match.isEmpty()) {
        return 0;
      }
      int count = match.mayRepeatSubscribers()
          ? deliverAggregated(message, match.subscriptions, s.bySubscriber)
          : deliverEach(message, match.subscriptions);
      for (SharedGroup group : match.groups) {
        Subscription member = group.pick(null);
        if (member != null) {
          member.subscriber().post(deliveryFor(message, member, group));
          count++;
        }
      }
      return count;
    } finally {
      s.inUse = false;
      s.match.clear();
    }
  }

  private static int deliverEach(Message message, List<Subscription> subs) {
    int count = 0;
    for (int i = 0, n = subs.size(); i < n; i++) {
      Subscription sub = subs.get(i);
      if (isLocalAndExcluded(message, sub)) {
        continue;
      }
      sub.subscriber().post(deliveryFor(message, sub, null));
      count++;
    }
    return count;
  }

  private static int deliverAggregated(Message message, List<Subscription> subs, Map<Subscriber, Aggregate> bySubscriber) {
    bySubscriber.clear();
    try {
      for (int i = 0, n = subs.size(); i < n; i++) {
        Subscription sub = subs.get(i);
        if (isLocalAndExcluded(message, sub)) {
          continue;
        }
        Aggregate agg = bySubscriber.get(sub.subscriber());
        if (agg == null) {
          agg = new Aggregate();
          bySubscriber.put(sub.subscriber(), agg);
        }
        agg.qos = Math.max(agg.qos, sub.qos());
        agg.retainAsPublished |= sub.retainAsPublished();
        if (sub.subscriptionId() > 0) {
          agg.ids = append(agg.ids, sub.subscriptionId());
        }
      }
      for (Map.Entry<Subscriber, Aggregate> e : bySubscriber.entrySet()) {
        Aggregate agg = e.getValue();
        int qos = Math.min(message.qos(), agg.qos);
        e.getKey().post(new Delivery(message, qos, agg.retainAsPublished && message.retain(), agg.ids, null));
      }
      return bySubscriber.size();
    } finally {
      bySubscriber.clear();
    }
  }

  private static boolean isLocalAndExcluded(Message message, Subscription sub) {
    return sub.noLocal() && message.publisherId() != null && message.publisherId().equals(sub.subscriber().clientId());
  }

  private static int[] append(int[] ids, int id) {
    if (ids == null) {
      return new int[] {id};
    }
    int[] copy = java.util.Arrays.copyOf(ids, ids.length + 1);
    copy[ids.length] = id;
    return copy;
  }

  private static Delivery deliveryFor(Message message, Subscription sub, SharedGroup group) {
    int qos = Math.min(message.qos(), sub.qos());
    int[] ids = sub.subscriptionId() > 0 ? new int[] {sub.subscriptionId()} : null;
    return new Delivery(message, qos, sub.retainAsPublished() && message.retain(), ids, group);
  }

  /**
   * Gives a message that a departing member of a shared group did not acknowledge to another
   * member, connected ones first. Returns false when the group has no other member left.
   */
  public boolean redistribute(Delivery delivery, Subscriber leaving) {
    SharedGroup group = delivery.group();
    Subscription member = group == null ? null : group.pick(leaving);
    if (member == null) {
      return false;
    }
    member.subscriber().post(deliveryFor(delivery.message(), member, group));
    return true;
  }
}
