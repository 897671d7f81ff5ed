package io.shadowmq.shadow.device;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A registered device: its id (the MQTT client id and thing name), tags, whether it may connect,
 * and its credentials (a password hash and/or client certificate fingerprints).
 *
 * @param lastSeenAt       last successful login, or null
 * @param passwordHash     {@link PasswordHasher} output, or null when the device has no password
 * @param certFingerprints SHA-256 fingerprints of the client certificates it may present
 */
public record Device(String id, Map<String, String> tags, boolean enabled, Instant createdAt, Instant lastSeenAt,
                     String passwordHash, List<String> certFingerprints) {
  /**
   * Device ids are used in topic names, so they may not hold MQTT wildcards, level separators or a
   * leading {@code $}; the characters are those AWS IoT allows in thing names, plus the dot.
   */
  private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9_:.-]{1,128}");
  private static final Pattern VALID_TAG = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  public Device {
    tags = Map.copyOf(tags);
    certFingerprints = List.copyOf(certFingerprints);
  }

  /** A new, enabled device that has never connected. */
  public static Device create(String id, Map<String, String> tags, String passwordHash, List<String> certFingerprints) {
    return new Device(id, tags, true, Instant.now(), null, passwordHash, certFingerprints);
  }

  /** Why {@code id} cannot be a device id, or null when it can. */
  public static String idProblem(String id) {
    if (id == null || !VALID_ID.matcher(id).matches()) {
      return "a device id is 1 to 128 characters out of A-Z a-z 0-9 _ : . -";
    }
    return null;
  }

  /** Why {@code name=value} cannot be a tag, or null when it can. Values are used in topics too. */
  public static String tagProblem(String name, String value) {
    if (!VALID_TAG.matcher(name).matches()) {
      return "a tag name is 1 to 64 characters out of A-Z a-z 0-9 _ . -";
    }
    if (value == null || !VALID_ID.matcher(value).matches()) {
      return "a tag value is 1 to 128 characters out of A-Z a-z 0-9 _ : . -";
    }
    return null;
  }
}
