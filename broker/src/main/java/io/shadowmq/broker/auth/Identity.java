package io.shadowmq.broker.auth;

import java.util.Map;

/**
 * Who a connected client is: a device that proved its identity (password or certificate), or an
 * anonymous client. Rules and the default policy are decided on this, never on what the client
 * merely claims.
 *
 * @param clientId the MQTT client id (for a device: its device id)
 * @param tags     the device's tags from the registry (empty for anonymous clients)
 */
public record Identity(String clientId, boolean authenticated, Map<String, String> tags) {

  public Identity {
    tags = Map.copyOf(tags);
  }

  public static Identity device(String id, Map<String, String> tags) {
    return new Identity(id, true, tags);
  }

  public static Identity anonymous(String clientId) {
    return new Identity(clientId, false, Map.of());
  }

  /**
   * A value that may be put into a topic pattern: not empty, and without the characters that would
   * widen a pattern ({@code + # /}), or make it a system topic ({@code $}), or end a string early.
   */
  static boolean safeInTopic(String value) {
    if (value == null || value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '+' || c == '#' || c == '/' || c == '$' || c == '\u0000') {
        return false;
      }
    }
    return true;
  }
}
