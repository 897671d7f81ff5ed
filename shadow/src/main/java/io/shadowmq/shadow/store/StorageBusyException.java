package io.shadowmq.shadow.store;

/** A write refused because the storage queue is full: PostgreSQL is down or slower than the load. */
public final class StorageBusyException extends RuntimeException {
  public StorageBusyException(String message) {
    super(message, null, false, false);
  }
}
