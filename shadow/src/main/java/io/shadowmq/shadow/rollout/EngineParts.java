package io.shadowmq.shadow.rollout;

import io.micrometer.core.instrument.Counter;
import io.shadowmq.shadow.firmware.ReleaseStore;
import io.shadowmq.shadow.group.GroupStore;
import io.vertx.core.Vertx;

/** What every rollout engine of a node works with; {@code transitions} counts every execution transition. */
record EngineParts(Vertx vertx, RolloutStorePg rollouts, ExecutionStorePg executions, GroupStore groups,
                   ReleaseStore releases, FirmwareDelivery delivery, RolloutEvents events, RolloutSettings settings,
                   Counter transitions) {
}
