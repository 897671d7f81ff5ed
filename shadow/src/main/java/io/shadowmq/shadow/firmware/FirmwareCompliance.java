package io.shadowmq.shadow.firmware;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Judges devices against a set of releases: the newest release whose compatibility selector a
 * device's tags hold, and the device's {@link ComplianceState}.
 */
public final class FirmwareCompliance {
  private static final Set<String> FAILED_STATUSES = Set.of("downloadFailed", "applyFailed");
  private static final Set<String> BUSY_STATUSES = Set.of("downloading", "downloadComplete", "applying");

  /** Newest first; among equal versions the latest created. */
  private final List<Release> newestFirst;

  public FirmwareCompliance(List<Release> releases) {
    this.newestFirst = releases.stream()
        .sorted(Comparator.comparing(Release::firmwareVersion).thenComparing(Release::createdAt).reversed())
        .toList();
  }

  /** The tag names any release's selector looks at: devices that agree on these have the same newest release. */
  public Set<String> selectorTags() {
    Set<String> names = new TreeSet<>();
    newestFirst.forEach(r -> names.addAll(r.compatibility().keySet()));
    return names;
  }

  /** The newest release a device with these tags may run, or null. */
  public Release latestFor(Map<String, String> tags) {
    for (Release r : newestFirst) {
      if (r.fits(tags)) {
        return r;
      }
    }
    return null;
  }

  /** The state of a device reporting {@code device}'s firmware, against {@code latest} (may be null). */
  public static ComplianceState state(DeviceFirmware device, Release latest) {
    String version = device.version();
    if (latest == null || version != null && !latest.firmwareVersion().isNewerThan(FirmwareVersion.of(version))) {
      return ComplianceState.ON_LATEST;
    }
    if (device.status() != null && FAILED_STATUSES.contains(device.status())) {
      return ComplianceState.FAILED;
    }
    boolean asked = device.desiredVersion() != null && !device.desiredVersion().equals(version);
    if (asked || device.status() != null && BUSY_STATUSES.contains(device.status())) {
      return ComplianceState.UPDATE_IN_PROGRESS;
    }
    return ComplianceState.UPDATE_AVAILABLE;
  }
}
