package io.shadowmq.shadow.port;

import java.time.Duration;

/**
 * A direct method to invoke on one device.
 *
 * @param deviceId the device (its client id)
 * @param method   the method name, a single topic level
 * @param payload  the request body sent to the device (JSON)
 * @param timeout  how long to wait for the device's answer
 */
public record MethodCall(String deviceId, String method, byte[] payload, Duration timeout) {

  /** Why a method name cannot be used, or null: it becomes one topic level of the request topic. */
  public static String methodProblem(String method) {
    if (method == null || method.isEmpty() || method.length() > 128) {
      return "a method name is 1 to 128 characters";
    }
    for (int i = 0; i < method.length(); i++) {
      char c = method.charAt(i);
      if (c == '/' || c == '+' || c == '#' || c == '?' || c == '$' || Character.isWhitespace(c) || c < 0x20) {
        return "a method name may not hold / + # ? $ or white space";
      }
    }
    return null;
  }
}
