package io.shadowmq.shadow.rollout;

/**
 * How the rollout engines of a node pace themselves.
 *
 * @param pageSize    devices per target-scan page and per notification batch
 * @param sweepMillis how often an engine looks for timed-out executions and due retries
 * @param rescanMillis how often a continuous rollout scans its whole target again (changes made through
 *                     the admin API reach it at once: {@link RolloutService#devicesChanged})
 * @param claimMillis how often the node looks for active rollouts nobody drives (after a restart or a node's loss)
 * @param linkMarginSeconds how long download links outlive an execution's deadline
 */
public record RolloutSettings(int pageSize, long sweepMillis, long rescanMillis, long claimMillis,
                              int linkMarginSeconds) {
  public static RolloutSettings defaults() {
    return new RolloutSettings(1000, 1000, 300_000, 5000, 600);
  }

  public RolloutSettings withRescan(long millis) {
    return new RolloutSettings(pageSize, sweepMillis, millis, claimMillis, linkMarginSeconds);
  }
}
