package io.shadowmq.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shadowmq.shadow.admin.AdminTokens;
import io.shadowmq.shadow.device.DeviceStore;
import io.shadowmq.shadow.group.GroupStore;
import io.shadowmq.shadow.port.ClientDirectory;
import io.shadowmq.shadow.port.DeviceGateway;
import io.shadowmq.shadow.port.NodeHealth;
import io.shadowmq.shadow.port.Publisher;
import io.shadowmq.shadow.port.RetainedAccess;
import io.shadowmq.shadow.port.ShadowReplies;
import io.shadowmq.shadow.rollout.RolloutService;
import io.shadowmq.shadow.service.ShadowService;

/**
 * Everything the HTTP side uses: the core's services and stores, and the ports the broker
 * implements. The HTTP side reaches the broker through these only.
 *
 * @param devices the device registry, or null without storage ({@code --in-memory}: 503 on its routes)
 * @param groups  device groups, or null without storage
 * @param metrics the registry {@code /metrics} serves
 * @param firmware releases, artifacts, links and compliance, or null without storage
 * @param rollouts firmware rollouts, or null without storage
 */
public record AdminPorts(AdminTokens tokens, DeviceStore devices, GroupStore groups, ShadowService shadows,
                         ShadowReplies shadowReplies, ClientDirectory clients, DeviceGateway gateway,
                         RetainedAccess retained, Publisher publisher, NodeHealth health,
                         PrometheusMeterRegistry metrics, FirmwarePorts firmware,
                         RolloutService rollouts) {
}
