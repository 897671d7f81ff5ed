package io.shadowmq.shadow.port;

import java.util.List;

/** The retained messages of the broker, for operators: list by topic filter, delete. Callable from any thread. */
public interface RetainedAccess {

  /** Why a topic filter cannot be used, or null when it can. */
  String filterProblem(String topicFilter);

  /** Why a topic name cannot be used, or null when it can. */
  String topicProblem(String topic);

  /** The retained messages whose topics match the filter, in topic order, {@code limit} at most. */
  List<RetainedEntry> list(String topicFilter, int limit);

  /** Clears a topic's retained message; false when it had none. */
  boolean delete(String topic);
}
