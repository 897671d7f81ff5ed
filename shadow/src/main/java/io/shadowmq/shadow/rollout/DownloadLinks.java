package io.shadowmq.shadow.rollout;

import java.time.Instant;

/** Mints a device's download link for an artifact ({@code PresignedUrls::mint}). */
@FunctionalInterface
public interface DownloadLinks {
  String mint(String artifactId, String device, Instant expiresAt);
}
