package io.shadowmq.shadow.rollout;

/** Where a rollout is in its life. */
public enum RolloutState {
  SCHEDULED, WAITING_APPROVAL, RUNNING, PAUSED, COMPLETED, ABORTED, CANCELED, ROLLED_BACK;

  /** An engine still drives it (or will, once it starts). */
  public boolean active() {
    return this == SCHEDULED || this == WAITING_APPROVAL || this == RUNNING || this == PAUSED;
  }
}
