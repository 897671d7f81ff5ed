package io.shadowmq.shadow.store;

import io.vertx.core.Future;

import java.util.function.Consumer;

/** Durable retained messages: written behind (at most about a second late), read back at start-up. */
public interface RetainedMessageStore {

  /** Stores (or replaces) the topic's retained message; false when the write queue is full. */
  boolean put(StoredMessage message);

  /** Clears the topic's retained message; false when the write queue is full. */
  boolean remove(String topic);

  /** Reads every unexpired retained message, in pages, into the sink. */
  Future<Long> loadAll(Consumer<StoredMessage> sink);

  /** Writes everything pending now. */
  Future<Void> flush();

  /** Writes everything pending and stops the periodic writes (shutdown). */
  Future<Void> drain();
}
