package io.shadowmq.shadow.group;

import io.shadowmq.shadow.device.Device;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A named set of devices, given by a tag selector: its members are the devices whose tags hold
 * every name=value of the selector (an empty selector selects every device).
 */
public record DeviceGroup(String name, Map<String, String> selector, Instant createdAt) {
  private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  public DeviceGroup {
    selector = Map.copyOf(selector);
  }

  /** Why {@code name} cannot name a group, or null when it can (it is used in URLs). */
  public static String nameProblem(String name) {
    if (name == null || !VALID_NAME.matcher(name).matches()) {
      return "a group name is 1 to 64 characters out of A-Z a-z 0-9 _ . : -";
    }
    return null;
  }

  /** Why a selector cannot be used, or null when it can: its pairs follow the rules of device tags. */
  public static String selectorProblem(Map<String, String> selector) {
    for (Map.Entry<String, String> e : selector.entrySet()) {
      String problem = Device.tagProblem(e.getKey(), e.getValue());
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }
}
