package io.shadowmq.broker.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * All subscriptions of the node, as a trie of topic levels with {@code +} and {@code #} as children
 * of their own and shared groups held at the node of their filter. Matching a topic walks only the
 * branches that can match, so its cost grows with the topic's levels and the matches, not with the
 * number of subscriptions. Reads take no lock and may run on every event loop at once; changes are
 * serialised by one lock, which the per-message path never takes.
 */
public final class SubscriptionTree {
  /** Past this many subscribers on one node, a concurrent map replaces the copy-on-write array. */
  private static final int ARRAY_LIMIT = 16;
  private static final Subscription[] NONE = new Subscription[0];
  private static final SharedGroup[] NO_GROUPS = new SharedGroup[0];

  private final Node root = new Node(null, "");
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicLong count = new AtomicLong();

  private static final class Node {
    final Node parent;
    final String level;
    volatile ConcurrentHashMap<String, Node> children;
    volatile Subscription[] subs = NONE;
    volatile ConcurrentHashMap<Subscriber, Subscription> manySubs;
    volatile SharedGroup[] groups = NO_GROUPS;

    Node(Node parent, String level) {
      this.parent = parent;
      this.level = level;
    }

    Node child(String level) {
      ConcurrentHashMap<String, Node> c = children;
      return c == null ? null : c.get(level);
    }

    boolean isEmpty() {
      ConcurrentHashMap<String, Node> c = children;
      ConcurrentHashMap<Subscriber, Subscription> m = manySubs;
      return subs.length == 0 && (m == null || m.isEmpty()) && groups.length == 0 && (c == null || c.isEmpty());
    }

    void collect(List<Subscription> out) {
      Subscription[] a = subs; // read the array before the map: see put()
      ConcurrentHashMap<Subscriber, Subscription> m = manySubs;
      if (m != null) {
        out.addAll(m.values());
      } else {
        for (Subscription s : a) {
          out.add(s);
        }
      }
    }
  }

  /** Number of subscriptions, shared memberships included. */
  public long size() {
    return count.get();
  }

  /** Adds a subscription, replacing the subscriber's earlier one on the same filter; returns that one or null. */
  public Subscription subscribe(Subscription sub) {
    writeLock.lock();
    try {
      Node node = root;
      for (String level : Topics.levels(sub.topicFilter())) {
        Node next = node.child(level);
        if (next == null) {
          if (node.children == null) {
            node.children = new ConcurrentHashMap<>(4);
          }
          next = new Node(node, level);
          node.children.put(level, next);
        }
        node = next;
      }
      Subscription replaced = sub.isShared() ? putShared(node, sub) : put(node, sub);
      if (replaced == null) {
        count.incrementAndGet();
      }
      return replaced;
    } finally {
      writeLock.unlock();
    }
  }

  private static Subscription put(Node node, Subscription sub) {
    ConcurrentHashMap<Subscriber, Subscription> m = node.manySubs;
    if (m != null) {
      return m.put(sub.subscriber(), sub);
    }
    Subscription[] a = node.subs;
    for (int i = 0; i < a.length; i++) {
      if (a[i].subscriber() == sub.subscriber()) {
        Subscription[] copy = a.clone();
        copy[i] = sub;
        node.subs = copy;
        return a[i];
      }
    }
    if (a.length >= ARRAY_LIMIT) {
      ConcurrentHashMap<Subscriber, Subscription> map = new ConcurrentHashMap<>(a.length * 2);
      for (Subscription s : a) {
        map.put(s.subscriber(), s);
      }
      map.put(sub.subscriber(), sub);
      // Publish the map before emptying the array; readers read the array first, then the map.
      node.manySubs = map;
      node.subs = NONE;
      return null;
    }
    Subscription[] copy = Arrays.copyOf(a, a.length + 1);
    copy[a.length] = sub;
    node.subs = copy;
    return null;
  }

  private static Subscription putShared(Node node, Subscription sub) {
    SharedGroup[] groups = node.groups;
    for (SharedGroup g : groups) {
      if (g.name().equals(sub.shareGroup())) {
        return g.put(sub);
      }
    }
    SharedGroup g = new SharedGroup(sub.shareGroup(), sub.topicFilter());
    g.put(sub);
    SharedGroup[] copy = Arrays.copyOf(groups, groups.length + 1);
    copy[groups.length] = g;
    node.groups = copy;
    return null;
  }

  /** Removes the subscriber's subscription to a filter; returns whether there was one. */
  public boolean unsubscribe(Subscriber subscriber, String topicFilter, String shareGroup) {
    writeLock.lock();
    try {
      Node node = root;
      for (String level : Topics.levels(topicFilter)) {
        node = node.child(level);
        if (node == null) {
          return false;
        }
      }
      boolean removed = shareGroup == null ? remove(node, subscriber) : removeShared(node, subscriber, shareGroup);
      if (removed) {
        count.decrementAndGet();
        prune(node);
      }
      return removed;
    } finally {
      writeLock.unlock();
    }
  }

  private static boolean remove(Node node, Subscriber subscriber) {
    ConcurrentHashMap<Subscriber, Subscription> m = node.manySubs;
    if (m != null) {
      return m.remove(subscriber) != null;
    }
    Subscription[] a = node.subs;
    for (int i = 0; i < a.length; i++) {
      if (a[i].subscriber() == subscriber) {
        Subscription[] copy = new Subscription[a.length - 1];
        System.arraycopy(a, 0, copy, 0, i);
        System.arraycopy(a, i + 1, copy, i, a.length - i - 1);
        node.subs = copy;
        return true;
      }
    }
    return false;
  }

  private static boolean removeShared(Node node, Subscriber subscriber, String shareGroup) {
    SharedGroup[] groups = node.groups;
    for (int i = 0; i < groups.length; i++) {
      SharedGroup g = groups[i];
      if (g.name().equals(shareGroup)) {
        boolean removed = g.remove(subscriber);
        if (g.isEmpty()) {
          SharedGroup[] copy = new SharedGroup[groups.length - 1];
          System.arraycopy(groups, 0, copy, 0, i);
          System.arraycopy(groups, i + 1, copy, i, groups.length - i - 1);
          node.groups = copy;
        }
        return removed;
      }
    }
    return false;
  }

  /** Drops empty nodes from the leaf up, so that the trie does not keep dead branches. */
  private void prune(Node node) {
    while (node != root && node.isEmpty()) {
      node.parent.children.remove(node.level, node);
      node = node.parent;
    }
  }

  /** Finds the shared group of a filter, or null (to redistribute a departing member's messages). */
  public SharedGroup sharedGroup(String topicFilter, String name) {
    Node node = root;
    for (String level : Topics.levels(topicFilter)) {
      node = node.child(level);
      if (node == null) {
        return null;
      }
    }
    for (SharedGroup g : node.groups) {
      if (g.name().equals(name)) {
        return g;
      }
    }
    return null;
  }

  /** Whether any subscription or shared group matches the topic name (without collecting them). */
  public boolean hasSubscribers(String topic) {
    return any(root, Topics.levels(topic), 0, !topic.isEmpty() && topic.charAt(0) == '$');
  }

  private static boolean any(Node node, String[] levels, int i, boolean dollar) {
    if (i == levels.length) {
      Node hash = node.child("#");
      return occupied(node) || (hash != null && occupied(hash));
    }
    if (!(i == 0 && dollar)) {
      Node hash = node.child("#");
      if (hash != null && occupied(hash)) {
        return true;
      }
      Node plus = node.child("+");
      if (plus != null && any(plus, levels, i + 1, dollar)) {
        return true;
      }
    }
    Node exact = node.child(levels[i]);
    return exact != null && any(exact, levels, i + 1, dollar);
  }

  private static boolean occupied(Node node) {
    ConcurrentHashMap<Subscriber, Subscription> m = node.manySubs;
    return node.subs.length > 0 || (m != null && !m.isEmpty()) || node.groups.length > 0;
  }

  /** Collects every subscription and shared group whose filter matches the topic name. */
  public void match(String topic, MatchResult out) {
    String[] levels = Topics.levels(topic);
    boolean dollar = !topic.isEmpty() && topic.charAt(0) == '$';
    match(root, levels, 0, dollar, out);
  }

  private static void match(Node node, String[] levels, int i, boolean dollar, MatchResult out) {
    if (i == levels.length) {
      collect(node, out);
      // "a/#" also matches "a": the multi-level wildcard includes the parent level.
      Node hash = node.child("#");
      if (hash != null) {
        collect(hash, out);
      }
      return;
    }
    // MQTT-4.7.2-1: a topic starting with '$' is not matched by a leading wildcard.
    if (!(i == 0 && dollar)) {
      Node hash = node.child("#");
      if (hash != null) {
        collect(hash, out);
      }
      Node plus = node.child("+");
      if (plus != null) {
        match(plus, levels, i + 1, dollar, out);
      }
    }
    Node exact = node.child(levels[i]);
    if (exact != null) {
      match(exact, levels, i + 1, dollar, out);
    }
  }

  private static void collect(Node node, MatchResult out) {
    int before = out.subscriptions.size();
    node.collect(out.subscriptions);
    if (out.subscriptions.size() > before) {
      out.nodesWithSubscriptions++;
    }
    SharedGroup[] groups = node.groups;
    for (SharedGroup g : groups) {
      out.groups.add(g);
    }
  }

  /** What a topic matched. Reused per event loop: clear it before each match. */
  public static final class MatchResult {
    public final List<Subscription> subscriptions = new ArrayList<>();
    public final List<SharedGroup> groups = new ArrayList<>();
    /** A subscriber appears at most once per node: with one node, no subscriber is repeated. */
    int nodesWithSubscriptions;

    public void clear() {
      subscriptions.clear();
      groups.clear();
      nodesWithSubscriptions = 0;
    }

    public boolean mayRepeatSubscribers() {
      return nodesWithSubscriptions > 1;
    }

    public boolean isEmpty() {
      return subscriptions.isEmpty() && groups.isEmpty();
    }
  }
}
