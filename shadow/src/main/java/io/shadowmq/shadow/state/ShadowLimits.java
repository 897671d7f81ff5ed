package io.shadowmq.shadow.state;

/**
 * The bounds of the shadow service, AWS IoT's by default.
 *
 * @param maxDocumentBytes   desired plus reported state after a merge, compact JSON, metadata excluded
 * @param maxDepth           levels of objects and arrays in the desired or the reported section
 * @param maxClientTokenBytes longest clientToken, in UTF-8 bytes
 * @param maxThingNameLength  longest thing name ([a-zA-Z0-9:_-])
 * @param maxShadowNameLength longest shadow name ([a-zA-Z0-9:_-])
 * @param requestsPerSecond  sustained requests per second on one thing (all its shadows together)
 * @param burst              requests one thing may send at once before the rate applies
 */
public record ShadowLimits(int maxDocumentBytes, int maxDepth, int maxClientTokenBytes, int maxThingNameLength,
                           int maxShadowNameLength, int requestsPerSecond, int burst) {

  public ShadowLimits {
    if (maxDocumentBytes < 1 || maxDepth < 1 || maxClientTokenBytes < 1 || maxThingNameLength < 1
        || maxShadowNameLength < 1 || requestsPerSecond < 1 || burst < 1) {
      throw new IllegalArgumentException("every shadow limit must be at least 1");
    }
  }

  /** AWS IoT's limits: 8 KB, depth 6, 64-byte client tokens, names of 128 and 64 characters, 100/s with a burst of 200. */
  public static ShadowLimits defaults() {
    return new ShadowLimits(8192, 6, 64, 128, 64, 100, 200);
  }

  public boolean isValidThingName(String name) {
    return isName(name, maxThingNameLength);
  }

  public boolean isValidShadowName(String name) {
    return isName(name, maxShadowNameLength);
  }

  private static boolean isName(String name, int max) {
    int n = name.length();
    if (n < 1 || n > max) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == ':' || c == '_' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
