package io.shadowmq.broker.auth;

import io.shadowmq.broker.routing.Topics;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One access rule: allow or deny publishing and/or subscribing on a topic pattern, for one device,
 * the devices with a tag, every device, anonymous clients or everyone. The pattern may hold
 * {@code {clientid}} and {@code {tag:NAME}}; a rule whose placeholder has no safe value for a
 * client (see {@link Identity#safeInTopic}) does not apply to that client.
 *
 * @param subjectName the device id, or the tag name, for {@code device} and {@code tag} subjects
 * @param tagValue    the tag value, for {@code tag} subjects
 * @param line        where the rule was written, for messages
 */
record AclRule(boolean allow, boolean publish, boolean subscribe, String pattern, Subject subject, String subjectName,
               String tagValue, int line) {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(clientid|tag:([A-Za-z0-9_.-]+))}");

  /** Whom a rule is for. */
  enum Subject {
    DEVICE, TAG, DEVICES, ANONYMOUS, EVERYONE
  }

  /** Parses {@code allow|deny publish|subscribe|both FILTER SUBJECT [ARG]}; throws with the reason. */
  static AclRule parse(String text, int line) {
    String[] w = text.trim().split("\\s+");
    if (w.length < 4) {
      throw new IllegalArgumentException("expected: allow|deny publish|subscribe|both TOPIC-FILTER SUBJECT");
    }
    boolean allow = switch (w[0]) {
      case "allow" -> true;
      case "deny" -> false;
      default -> throw new IllegalArgumentException("a rule starts with allow or deny, not " + w[0]);
    };
    boolean publish = w[1].equals("publish") || w[1].equals("both");
    boolean subscribe = w[1].equals("subscribe") || w[1].equals("both");
    if (!publish && !subscribe) {
      throw new IllegalArgumentException("the action is publish, subscribe or both, not " + w[1]);
    }
    String pattern = w[2];
    checkPattern(pattern);
    Subject subject;
    String name = null;
    String value = null;
    int words = 4;
    switch (w[3]) {
      case "device" -> {
        subject = Subject.DEVICE;
        name = argument(w, "device ID");
        words = 5;
      }
      case "tag" -> {
        subject = Subject.TAG;
        String kv = argument(w, "tag NAME=VALUE");
        int eq = kv.indexOf('=');
        if (eq <= 0 || eq == kv.length() - 1) {
          throw new IllegalArgumentException("expected tag NAME=VALUE, not tag " + kv);
        }
        name = kv.substring(0, eq);
        value = kv.substring(eq + 1);
        words = 5;
      }
      case "devices" -> subject = Subject.DEVICES;
      case "anonymous" -> subject = Subject.ANONYMOUS;
      case "everyone" -> subject = Subject.EVERYONE;
      default -> throw new IllegalArgumentException(
          "the subject is device ID, tag NAME=VALUE, devices, anonymous or everyone, not " + w[3]);
    }
    if (w.length > words) {
      throw new IllegalArgumentException("unexpected text after the subject: " + w[words]);
    }
    return new AclRule(allow, publish, subscribe, pattern, subject, name, value, line);
  }

  private static String argument(String[] w, String expected) {
    if (w.length < 5) {
      throw new IllegalArgumentException("expected " + expected);
    }
    return w[4];
  }

  private static void checkPattern(String pattern) {
    String plain = PLACEHOLDER.matcher(pattern).replaceAll("x");
    if (plain.indexOf('{') >= 0 || plain.indexOf('}') >= 0) {
      throw new IllegalArgumentException("unknown placeholder in " + pattern + " (known: {clientid}, {tag:NAME})");
    }
    Topics.ParsedFilter parsed = Topics.parseFilter(plain, 65_535, 1000);
    if (parsed.shareGroup() != null) {
      throw new IllegalArgumentException("write the topic filter without $share/GROUP/: rules apply to shared "
          + "subscriptions by their filter");
    }
  }

  boolean appliesTo(Identity id) {
    return switch (subject) {
      case DEVICE -> id.authenticated() && id.clientId().equals(subjectName);
      case TAG -> id.authenticated() && tagValue.equals(id.tags().get(subjectName));
      case DEVICES -> id.authenticated();
      case ANONYMOUS -> !id.authenticated();
      case EVERYONE -> true;
    };
  }

  /** The pattern with this client's values in place, or null when one of them is missing or unsafe. */
  String expand(Identity id) {
    if (pattern.indexOf('{') < 0) {
      return pattern;
    }
    Matcher m = PLACEHOLDER.matcher(pattern);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = m.group(2) == null ? id.clientId() : id.tags().get(m.group(2));
      if (!Identity.safeInTopic(value)) {
        return null;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
