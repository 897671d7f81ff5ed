package io.shadowmq.broker.persistence;

import io.shadowmq.broker.retained.RetainedMessages;
import io.shadowmq.broker.retained.RetainedTree;
import io.shadowmq.broker.routing.Message;
import io.shadowmq.shadow.store.RetainedMessageStore;
import io.vertx.core.Future;

import java.util.List;

/**
 * Retained messages served from memory and written behind to the store, so that they survive a
 * restart: set, replace and clear all reach PostgreSQL at most a write interval later.
 */
public final class DurableRetainedMessages implements RetainedMessages {
  private final RetainedTree memory;
  private final RetainedMessageStore store;

  public DurableRetainedMessages(RetainedTree memory, RetainedMessageStore store) {
    this.memory = memory;
    this.store = store;
  }

  /** Reads the stored retained messages into memory; before the node serves. */
  public Future<Long> restore() {
    return store.loadAll(stored -> memory.put(MessageCodec.fromStored(stored)));
  }

  @Override
  public void put(Message message) {
    memory.put(message);
    if (message.payload().length == 0) {
      store.remove(message.topic());
    } else {
      store.put(MessageCodec.toStored(message));
    }
  }

  @Override
  public List<Message> match(String topicFilter, long nowMillis) {
    return memory.match(topicFilter, nowMillis);
  }

  @Override
  public long size() {
    return memory.size();
  }
}
