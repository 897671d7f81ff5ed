package io.shadowmq.broker.auth;

/**
 * Topic filters as access patterns. Unlike subscriptions, a leading wildcard also matches topics
 * that start with {@code $}: a rule {@code #} is about every topic. {@code a/#} matches {@code a}.
 * Patterns, topics and filters come split into levels ({@code Topics.levels}).
 */
final class TopicPatterns {
  private TopicPatterns() {
  }

  /** Does the pattern match this topic name? Both split into levels. */
  static boolean matches(String[] p, String[] t) {
    int i = 0;
    for (; i < p.length; i++) {
      if (p[i].equals("#")) {
        return true;
      }
      if (i >= t.length || (!p[i].equals("+") && !p[i].equals(t[i]))) {
        return false;
      }
    }
    return i == t.length;
  }

  /** Does the pattern match every topic the filter can match? (An allow rule must cover a subscription.) */
  static boolean covers(String[] p, String[] f) {
    for (int i = 0; i < p.length; i++) {
      if (p[i].equals("#")) {
        return true;
      }
      if (i >= f.length || f[i].equals("#")) {
        return false;
      }
      if (!p[i].equals("+") && (f[i].equals("+") || !p[i].equals(f[i]))) {
        return false;
      }
    }
    return p.length == f.length;
  }

  /** Is there a topic both match? (A deny rule applies to every subscription that overlaps it.) */
  static boolean intersects(String[] p, String[] f) {
    int n = Math.min(p.length, f.length);
    for (int i = 0; i < n; i++) {
      if (p[i].equals("#") || f[i].equals("#")) {
        return true;
      }
      if (!p[i].equals("+") && !f[i].equals("+") && !p[i].equals(f[i])) {
        return false;
      }
    }
    if (p.length == f.length) {
      return true;
    }
    String[] longer = p.length > f.length ? p : f;
    return longer.length == n + 1 && longer[n].equals("#"); // "a/#" also matches "a"
  }
}
