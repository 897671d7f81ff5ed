package io.shadowmq.shadow.firmware;

import io.vertx.core.Future;

/**
 * The {@link ReleaseUsage} of a build without a rollout engine: no rollout can exist, so no release
 * is in use and every release may be deleted. The rollout store's own {@code ReleaseUsage}
 * replaces it where the node is assembled once rollouts exist.
 */
public final class NoRolloutEngine implements ReleaseUsage {

  @Override
  public Future<Boolean> inActiveRollout(String releaseId) {
    return Future.succeededFuture(false);
  }
}
