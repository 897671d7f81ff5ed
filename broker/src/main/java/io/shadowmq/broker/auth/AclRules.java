package io.shadowmq.broker.auth;

import java.util.ArrayList;
import java.util.List;

/**
 * An ordered list of access rules; the first rule that applies to the client, the action and the
 * topic decides. {@link #DEFAULTS} are the built-in rules, checked after the operator's: a device
 * may use its own topics only, anonymous clients may use every topic.
 */
final class AclRules {
  /** The default policy, as rules (docs/security.md lists them). */
  static final AclRules DEFAULTS = parse("""
      allow both      $aws/things/{clientid}/#   devices
      allow both      state/{clientid}/#         devices
      allow both      devices/{clientid}/#       devices
      allow subscribe $iothub/methods/POST/#     devices
      allow publish   $iothub/methods/res/#      devices
      deny  both      #                          devices
      allow both      #                          anonymous
      """, "built-in rules");

  static final AclRules NONE = new AclRules(List.of());

  /** What a rule list says about one request. */
  enum Decision {
    ALLOW, DENY, UNDECIDED
  }

  private final List<AclRule> rules;

  private AclRules(List<AclRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** Parses a rule file: one rule a line, {@code #} starts a comment line. Throws naming the bad line. */
  static AclRules parse(String text, String source) {
    List<AclRule> rules = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        rules.add(AclRule.parse(line, i + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return new AclRules(rules);
  }

  int size() {
    return rules.size();
  }

  /** The decision on publishing to a topic name. */
  Decision publish(Identity id, String topic) {
    for (AclRule r : rules) {
      if (r.publish() && r.appliesTo(id)) {
        String pattern = r.expand(id);
        if (pattern != null && TopicPatterns.matches(pattern, topic)) {
          return r.allow() ? Decision.ALLOW : Decision.DENY;
        }
      }
    }
    return Decision.UNDECIDED;
  }

  /**
   * The decision on subscribing to a topic filter: an allow rule must cover every topic of the
   * filter, a deny rule applies as soon as it overlaps the filter.
   */
  Decision subscribe(Identity id, String filter) {
    for (AclRule r : rules) {
      if (r.subscribe() && r.appliesTo(id)) {
        String pattern = r.expand(id);
        if (pattern == null) {
          continue;
        }
        if (r.allow() ? TopicPatterns.covers(pattern, filter) : TopicPatterns.intersects(pattern, filter)) {
          return r.allow() ? Decision.ALLOW : Decision.DENY;
        }
      }
    }
    return Decision.UNDECIDED;
  }
}
