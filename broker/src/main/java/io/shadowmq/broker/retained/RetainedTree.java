package io.shadowmq.broker.retained;

import io.shadowmq.broker.routing.Message;
import io.shadowmq.broker.routing.Topics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Retained messages in memory, in a trie of topic levels. A wildcard subscribe walks only the
 * branches its filter can match ({@code +} one level, {@code #} a subtree), never the whole set.
 * Reads take no lock; writes are serialised by one lock, which no PUBLISH without the retain
 * flag ever takes.
 */
public final class RetainedTree implements RetainedMessages {
  private final Node root = new Node(null, "");
  private final ReentrantLock structureLock = new ReentrantLock();
  private final AtomicLong count = new AtomicLong();

  private static final class Node {
    final Node parent;
    final String level;
    final ConcurrentHashMap<String, Node> children = new ConcurrentHashMap<>(2);
    volatile Message message;

    Node(Node parent, String level) {
      this.parent = parent;
      this.level = level;
    }
  }

  @Override
  public void put(Message message) {
    String[] levels = Topics.levels(message.topic());
    structureLock.lock();
    try {
      if (message.payload().length == 0) {
        Node node = find(levels);
        if (node != null && node.message != null) {
          node.message = null;
          count.decrementAndGet();
          prune(node);
        }
        return;
      }
      Node node = root;
      for (String level : levels) {
        Node parent = node;
        node = parent.children.computeIfAbsent(level, l -> new Node(parent, l));
      }
      if (node.message == null) {
        count.incrementAndGet();
      }
      node.message = message;
    } finally {
      structureLock.unlock();
    }
  }

  private Node find(String[] levels) {
    Node node = root;
    for (String level : levels) {
      node = node.children.get(level);
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  private void prune(Node node) {
    while (node != root && node.message == null && node.children.isEmpty()) {
      node.parent.children.remove(node.level, node);
      node = node.parent;
    }
  }

  @Override
  public List<Message> match(String topicFilter, long nowMillis) {
    List<Message> out = new ArrayList<>();
    collect(root, Topics.levels(topicFilter), 0, out, nowMillis);
    return out;
  }

  private static void collect(Node node, String[] filter, int i, List<Message> out, long now) {
    if (i == filter.length) {
      add(node, out, now);
      return;
    }
    String level = filter[i];
    if (level.equals("#")) {
      add(node, out, now); // "a/#" matches "a" itself
      for (Node child : node.children.values()) {
        if (i == 0 && child.level.startsWith("$")) {
          continue; // MQTT-4.7.2-1
        }
        addSubtree(child, out, now);
      }
    } else if (level.equals("+")) {
      for (Node child : node.children.values()) {
        if (i == 0 && child.level.startsWith("$")) {
          continue;
        }
        collect(child, filter, i + 1, out, now);
      }
    } else {
      Node child = node.children.get(level);
      if (child != null) {
        collect(child, filter, i + 1, out, now);
      }
    }
  }

  private static void addSubtree(Node node, List<Message> out, long now) {
    add(node, out, now);
    for (Node child : node.children.values()) {
      addSubtree(child, out, now);
    }
  }

  private static void add(Node node, List<Message> out, long now) {
    Message m = node.message;
    if (m != null && !m.isExpired(now)) {
      out.add(m);
    }
  }

  @Override
  public long size() {
    return count.get();
  }
}
