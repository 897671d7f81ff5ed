package io.shadowmq.broker.auth;

/**
 * Decides what a client may publish and subscribe to: the operator's rules (the {@code --acl-file},
 * replaced whole when the file changes) first, then the built-in default policy. Read on every
 * PUBLISH and SUBSCRIBE from any loop; the rules are immutable and swapped atomically.
 */
public final class Authorizer {
  private volatile AclRules rules = AclRules.NONE;

  /** Replaces the operator's rules. */
  void rules(AclRules replacement) {
    this.rules = replacement;
  }

  public boolean canPublish(Identity id, String topic) {
    AclRules.Decision d = rules.publish(id, topic);
    if (d == AclRules.Decision.UNDECIDED) {
      d = AclRules.DEFAULTS.publish(id, topic);
    }
    return d == AclRules.Decision.ALLOW;
  }

  /** @param topicFilter the filter without a {@code $share/GROUP/} prefix */
  public boolean canSubscribe(Identity id, String topicFilter) {
    AclRules.Decision d = rules.subscribe(id, topicFilter);
    if (d == AclRules.Decision.UNDECIDED) {
      d = AclRules.DEFAULTS.subscribe(id, topicFilter);
    }
    return d == AclRules.Decision.ALLOW;
  }
}
