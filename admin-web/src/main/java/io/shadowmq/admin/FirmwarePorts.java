package io.shadowmq.admin;

import io.micrometer.core.instrument.MeterRegistry;
import io.shadowmq.shadow.firmware.FirmwareReportsPg;
import io.shadowmq.shadow.firmware.LinkSecretStorePg;
import io.shadowmq.shadow.firmware.PresignedUrls;
import io.shadowmq.shadow.firmware.ReleaseStore;
import io.shadowmq.shadow.firmware.ReleaseUsage;

/**
 * What the firmware routes (releases, artifact uploads, links, compliance, device downloads) use.
 *
 * @param maxArtifactSize        largest artifact upload in bytes (413 past it)
 * @param maxConcurrentDownloads downloads served at once by this node (503 past it)
 * @param maxConcurrentUploads   uploads stored at once by this node (503 past it)
 * @param registry               where download meters go (the process's registry)
 */
public record FirmwarePorts(ReleaseStore releases, ReleaseUsage usage, PresignedUrls links,
                            LinkSecretStorePg linkSecrets, FirmwareReportsPg reports, long maxArtifactSize,
                            int maxConcurrentDownloads, int maxConcurrentUploads, MeterRegistry registry) {
}
