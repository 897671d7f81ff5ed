package io.shadowmq.broker.retained;

import io.shadowmq.broker.routing.Message;

import java.util.List;

/**
 * The last retained message of every topic. Safe to use from every event loop at once. The storage
 * layer makes it durable; this interface is what the MQTT side sees.
 */
public interface RetainedMessages {

  /** Stores the message as its topic's retained message, or clears the topic when the payload is empty. */
  void put(Message message);

  /** The unexpired retained messages whose topics match a (non-shared) topic filter. */
  List<Message> match(String topicFilter, long nowMillis);

  /** Number of topics with a retained message. */
  long size();
}
