package io.shadowmq.shadow.rollout;

/** Where one device's execution of a rollout is. */
public enum ExecutionState {
  QUEUED, NOTIFIED, IN_PROGRESS, SUCCEEDED, FAILED, TIMED_OUT, CANCELED, SKIPPED;

  /** Notified or working on it: counts against the rollout's maximum in progress. */
  public boolean inFlight() {
    return this == NOTIFIED || this == IN_PROGRESS;
  }

  /** Done with, one way or another. */
  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == TIMED_OUT || this == CANCELED || this == SKIPPED;
  }

  /** A failure for the failure threshold. */
  public boolean failure() {
    return this == FAILED || this == TIMED_OUT;
  }
}
