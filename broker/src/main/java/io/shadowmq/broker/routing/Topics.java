package io.shadowmq.broker.routing;

import java.nio.charset.StandardCharsets;

/** Topic names and topic filters: splitting into levels and validating them (MQTT 5 section 4.7). */
public final class Topics {
  public static final String SHARE_PREFIX = "$share/";

  private Topics() {
  }

  /** Splits on '/', keeping empty levels: "a//b/" has the four levels "a", "", "b", "". */
  public static String[] levels(String topic) {
    int count = 1;
    for (int i = 0; i < topic.length(); i++) {
      if (topic.charAt(i) == '/') {
        count++;
      }
    }
    String[] out = new String[count];
    int start = 0;
    int n = 0;
    for (int i = 0; i < topic.length(); i++) {
      if (topic.charAt(i) == '/') {
        out[n++] = topic.substring(start, i);
        start = i + 1;
      }
    }
    out[n] = topic.substring(start);
    return out;
  }

  public static int levelCount(String topic) {
    int count = 1;
    for (int i = 0; i < topic.length(); i++) {
      if (topic.charAt(i) == '/') {
        count++;
      }
    }
    return count;
  }

  /**
   * Whether a (non-shared) topic filter matches a topic name, as subscriptions match: {@code +}
   * one level, {@code #} the rest, and a leading wildcard matches no topic starting with {@code $}.
   */
  public static boolean matches(String filter, String topic) {
    String[] f = levels(filter);
    String[] t = levels(topic);
    if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
      return false; // MQTT-4.7.2-1
    }
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals("#")) {
        return true;
      }
      if (i >= t.length || (!f[i].equals("+") && !f[i].equals(t[i]))) {
        return false;
      }
    }
    return f.length == t.length;
  }

  /** Why a topic name cannot be published to, or null when it can. */
  public static String checkTopicName(String topic, int maxLength, int maxLevels) {
    if (topic.isEmpty()) {
      return "empty topic name";
    }
    for (int i = 0; i < topic.length(); i++) {
      char c = topic.charAt(i);
      if (c == '+' || c == '#') {
        return "wildcard in topic name";
      }
    }
    return checkSize(topic, maxLength, maxLevels);
  }

  private static String checkSize(String topic, int maxLength, int maxLevels) {
    if (topic.length() > maxLength || (topic.length() * 3 > maxLength && utf8Length(topic) > maxLength)) {
      return "topic longer than " + maxLength + " bytes";
    }
    if (levelCount(topic) > maxLevels) {
      return "topic deeper than " + maxLevels + " levels";
    }
    return null;
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** A parsed subscription filter: the shared group (or null) and the filter matched against topics. */
  public record ParsedFilter(String shareGroup, String topicFilter) {
  }

  /**
   * Parses and validates a topic filter, including {@code $share/{group}/{filter}}.
   *
   * @throws IllegalArgumentException with the reason when the filter is invalid
   */
  public static ParsedFilter parseFilter(String filter, int maxLength, int maxLevels) {
    if (filter.isEmpty()) {
      throw new IllegalArgumentException("empty topic filter");
    }
    String group = null;
    String topicFilter = filter;
    if (filter.startsWith(SHARE_PREFIX)) {
      int slash = filter.indexOf('/', SHARE_PREFIX.length());
      if (slash < 0) {
        throw new IllegalArgumentException("shared subscription without a topic filter");
      }
      group = filter.substring(SHARE_PREFIX.length(), slash);
      if (group.isEmpty()) {
        throw new IllegalArgumentException("shared subscription with an empty group name");
      }
      if (group.indexOf('+') >= 0 || group.indexOf('#') >= 0) {
        throw new IllegalArgumentException("wildcard in a shared subscription group name");
      }
      topicFilter = filter.substring(slash + 1);
      if (topicFilter.isEmpty()) {
        throw new IllegalArgumentException("shared subscription with an empty topic filter");
      }
    }
    String[] levels = levels(topicFilter);
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      if (level.indexOf('#') >= 0 && (!level.equals("#") || i != levels.length - 1)) {
        throw new IllegalArgumentException("'#' must be the whole last level of a filter");
      }
      if (level.indexOf('+') >= 0 && !level.equals("+")) {
        throw new IllegalArgumentException("'+' must be a whole level of a filter");
      }
    }
    String sizeProblem = checkSize(topicFilter, maxLength, maxLevels);
    if (sizeProblem != null) {
      throw new IllegalArgumentException(sizeProblem);
    }
    return new ParsedFilter(group, topicFilter);
  }
}
