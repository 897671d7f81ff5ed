package io.shadowmq.shadow.firmware;

import java.util.Map;

/**
 * What a device's classic shadow says about its firmware: {@code reported.firmware.version} and
 * {@code .status}, and {@code desired.firmware.version} (set by a rollout). Each may be null.
 */
public record DeviceFirmware(String deviceId, Map<String, String> tags, String version, String status,
                             String desiredVersion) {
  public DeviceFirmware {
    tags = Map.copyOf(tags);
  }
}
