package io.shadowmq.broker.loop;

/** Something that lives on one {@link BrokerLoop} and is visited by its periodic tick (a connection). */
public interface LoopMember {
  /** Called on the loop about once a second, with {@link System#nanoTime()}. */
  void tick(long nowNanos);

  /** Closes the member for the broker's shutdown or an operator, with an MQTT 5 reason code. */
  void evict(int reasonCode, String reason);

  /** The member's position in its loop's list, kept by the loop for O(1) removal. */
  int loopSlot();

  void loopSlot(int slot);
}
