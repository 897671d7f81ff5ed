package io.shadowmq.shadow.rollout;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.shadowmq.shadow.firmware.ReleaseStore;
import io.shadowmq.shadow.group.GroupStore;
import io.vertx.core.Vertx;

/**
 * What every rollout engine of a node works with; {@code transitions} counts every execution
 * transition, {@code reportLatency} times a device report from its arrival to its committed transition.
 */
record EngineParts(Vertx vertx, RolloutStorePg rollouts, ExecutionStorePg executions, GroupStore groups,
                   ReleaseStore releases, FirmwareDelivery delivery, RolloutEvents events, RolloutSettings settings,
                   Counter transitions, Timer reportLatency) {
}
