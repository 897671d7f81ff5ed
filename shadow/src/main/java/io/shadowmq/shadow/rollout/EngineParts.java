package io.shadowmq.shadow.rollout;

import io.shadowmq.shadow.firmware.ReleaseStore;
import io.shadowmq.shadow.group.GroupStore;
import io.vertx.core.Vertx;

/** What every rollout engine of a node works with. */
record EngineParts(Vertx vertx, RolloutStorePg rollouts, ExecutionStorePg executions, GroupStore groups,
                   ReleaseStore releases, FirmwareDelivery delivery, RolloutEvents events, RolloutSettings settings) {
}
