package io.shadowmq.shadow.firmware;

import io.vertx.core.Future;

/**
 * Tells whether a release is in use by a rollout that is still active, so it must not be deleted
 * (the admin API answers 409). Implemented by the rollout engine's store.
 */
public interface ReleaseUsage {

  /** True while a rollout that is not finished (completed, canceled) deploys this release. */
  Future<Boolean> inActiveRollout(String releaseId);
}
