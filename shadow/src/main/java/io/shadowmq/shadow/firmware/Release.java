package io.shadowmq.shadow.firmware;

import io.shadowmq.shadow.group.DeviceGroup;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A firmware release: a named version for the devices whose tags hold every name=value of its
 * compatibility selector (an empty selector fits every device), with release notes and the
 * artifacts (images) a device downloads.
 */
public record Release(String id, String name, String version, Map<String, String> compatibility, String notes,
                      List<Artifact> artifacts, Instant createdAt) {
  private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  private static final Pattern VALID_VERSION = Pattern.compile("[A-Za-z0-9_.+-]{1,64}");
  /** Longest release notes, in characters. */
  public static final int MAX_NOTES = 16 * 1024;

  public Release {
    compatibility = Map.copyOf(compatibility);
    artifacts = List.copyOf(artifacts);
    notes = notes == null ? "" : notes;
  }

  /** The release as a comparable version. */
  public FirmwareVersion firmwareVersion() {
    return FirmwareVersion.of(version);
  }

  /** Whether a device with these tags may run this release. */
  public boolean fits(Map<String, String> deviceTags) {
    for (Map.Entry<String, String> e : compatibility.entrySet()) {
      if (!e.getValue().equals(deviceTags.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** The artifact of this name, or null. */
  public Artifact artifact(String artifactName) {
    for (Artifact a : artifacts) {
      if (a.name().equals(artifactName)) {
        return a;
      }
    }
    return null;
  }

  /** Why {@code name} cannot name a release, or null when it can. */
  public static String nameProblem(String name) {
    if (name == null || !VALID_NAME.matcher(name).matches()) {
      return "a release name is 1 to 64 characters out of A-Z a-z 0-9 _ . : -";
    }
    return null;
  }

  /** Why {@code version} cannot be a release version, or null when it can (semantic versions are, and more). */
  public static String versionProblem(String version) {
    if (version == null || !VALID_VERSION.matcher(version).matches()) {
      return "a version is 1 to 64 characters out of A-Z a-z 0-9 _ . + -";
    }
    return null;
  }

  /** Why a compatibility selector cannot be used, or null: its pairs follow the rules of device tags. */
  public static String compatibilityProblem(Map<String, String> compatibility) {
    return DeviceGroup.selectorProblem(compatibility);
  }
}
