package io.shadowmq.shadow.rollout;

import java.time.Instant;

/**
 * A rollout as stored: its specification, the version it installs, and where its engine is. Never
 * modified: the engine makes changed copies ({@code with...}) and stores them.
 *
 * @param currentWave  the wave being notified, or baking
 * @param bakeUntil    while the current wave bakes after its gate passed: when the next wave may start
 * @param gateOverride a wave the operator let through (resume) although its success gate was not met; -1 none
 * @param scanCursor   the last device id the target scan reached, null before the first page
 * @param scanDone     the scan reached the end of the target (it restarts for continuous rollouts)
 * @param eligible     executions created that are not SKIPPED
 */
public record Rollout(String id, String releaseId, String targetVersion, RolloutSpec spec, RolloutState state,
                      String reason, int currentWave, Instant bakeUntil, int gateOverride, String scanCursor,
                      boolean scanDone, int eligible, Instant createdAt, Instant updatedAt) {

  public Rollout withState(RolloutState next, String why) {
    return new Rollout(id, releaseId, targetVersion, spec, next, why, currentWave, bakeUntil, gateOverride, scanCursor,
        scanDone, eligible, createdAt, Instant.now());
  }

  public Rollout withWave(int wave, Instant bake) {
    return new Rollout(id, releaseId, targetVersion, spec, state, reason, wave, bake, gateOverride, scanCursor, scanDone,
        eligible, createdAt, Instant.now());
  }

  public Rollout withGateOverride(int wave) {
    return new Rollout(id, releaseId, targetVersion, spec, state, reason, currentWave, bakeUntil, wave, scanCursor,
        scanDone, eligible, createdAt, Instant.now());
  }

  public Rollout withScan(String cursor, boolean done, int addedEligible) {
    return new Rollout(id, releaseId, targetVersion, spec, state, reason, currentWave, bakeUntil, gateOverride, cursor,
        done, eligible + addedEligible, createdAt, Instant.now());
  }
}
