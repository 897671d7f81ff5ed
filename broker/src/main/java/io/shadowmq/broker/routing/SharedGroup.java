package io.shadowmq.broker.routing;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The members of one shared subscription group on one topic filter ({@code $share/{name}/{filter}}).
 * Each message goes to one member, round robin, preferring members that are connected. Members are
 * changed under the subscription tree's write lock and read without a lock.
 */
public final class SharedGroup {
  private final String name;
  private final String topicFilter;
  private volatile Subscription[] members = new Subscription[0];
  private final AtomicInteger next = new AtomicInteger();

  SharedGroup(String name, String topicFilter) {
    this.name = name;
    this.topicFilter = topicFilter;
  }

  public String name() {
    return name;
  }

  public String topicFilter() {
    return topicFilter;
  }

  Subscription[] members() {
    return members;
  }

  /** Adds or replaces the member's subscription; returns the one it replaced, or null. */
  Subscription put(Subscription sub) {
    Subscription[] current = members;
    for (int i = 0; i < current.length; i++) {
      if (current[i].subscriber() == sub.subscriber()) {
        Subscription[] copy = current.clone();
        copy[i] = sub;
        members = copy;
        return current[i];
      }
    }
    Subscription[] copy = Arrays.copyOf(current, current.length + 1);
    copy[current.length] = sub;
    members = copy;
    return null;
  }

  /** Removes the subscriber's membership; returns whether it was a member. */
  boolean remove(Subscriber subscriber) {
    Subscription[] current = members;
    for (int i = 0; i < current.length; i++) {
      if (current[i].subscriber() == subscriber) {
        Subscription[] copy = new Subscription[current.length - 1];
        System.arraycopy(current, 0, copy, 0, i);
        System.arraycopy(current, i + 1, copy, i, current.length - i - 1);
        members = copy;
        return true;
      }
    }
    return false;
  }

  boolean isEmpty() {
    return members.length == 0;
  }

  /**
   * Chooses the member for the next message: the next connected member in round-robin order, else
   * the next live one (its session queues the message until it reconnects), never {@code excluded}.
   * Returns null when there is no such member.
   */
  public Subscription pick(Subscriber excluded) {
    Subscription[] current = members;
    int n = current.length;
    if (n == 0) {
      return null;
    }
    int start = Math.floorMod(next.getAndIncrement(), n);
    Subscription fallback = null;
    for (int i = 0; i < n; i++) {
      Subscription candidate = current[(start + i) % n];
      Subscriber s = candidate.subscriber();
      if (s == excluded || s.isEnded()) {
        continue;
      }
      if (s.isOnline()) {
        return candidate;
      }
      if (fallback == null) {
        fallback = candidate;
      }
    }
    return fallback;
  }

  /** Whether a live member other than {@code excluded} exists; a connected one if {@code onlineOnly}. */
  public boolean hasMemberOtherThan(Subscriber excluded, boolean onlineOnly) {
    for (Subscription s : members) {
      Subscriber m = s.subscriber();
      if (m != excluded && !m.isEnded() && (!onlineOnly || m.isOnline())) {
        return true;
      }
    }
    return false;
  }
}
