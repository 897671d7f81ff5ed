package io.shadowmq.broker.auth;

import io.shadowmq.broker.routing.Topics;

import java.util.ArrayList;
import java.util.List;

/**
 * An ordered list of access rules, as written; {@link Access} compiles the ones that apply to a
 * client, and the first of those that matches the action and the topic decides. {@link #DEFAULTS}
 * are the built-in rules, checked after the operator's: a device may use its own topics only,
 * anonymous clients may use every topic.
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

  /**
   * The rules that apply to this client, in order, with its values in place and their filters split
   * into levels. A rule whose placeholder has no safe value for the client is left out.
   */
  List<Access.Grant> grantsFor(Identity id) {
    List<Access.Grant> out = new ArrayList<>();
    for (AclRule r : rules) {
      if (r.appliesTo(id)) {
        String pattern = r.expand(id);
        if (pattern != null) {
          out.add(new Access.Grant(r.allow(), r.publish(), r.subscribe(), Topics.levels(pattern)));
        }
      }
    }
    return out;
  }
}
