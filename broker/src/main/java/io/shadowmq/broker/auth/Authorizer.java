package io.shadowmq.broker.auth;

/**
 * Decides what clients may publish and subscribe to: the operator's rules (the {@code --acl-file},
 * replaced whole when the file changes) first, then the built-in default policy. Each connected
 * client gets its {@link Access}, compiled from the rules in force.
 */
public final class Authorizer {
  private volatile AclRules rules = AclRules.NONE;

  /** Replaces the operator's rules; every client's access is recompiled at its next check. */
  void rules(AclRules replacement) {
    this.rules = replacement;
  }

  AclRules rules() {
    return rules;
  }

  /** The access of a client with this identity. */
  public Access access(Identity id) {
    return new Access(this, id);
  }

  /** One check, without keeping the compiled access (tests, rare checks). */
  public boolean canPublish(Identity id, String topic) {
    return access(id).canPublish(topic);
  }

  /** One check, without keeping the compiled access (tests, rare checks). */
  public boolean canSubscribe(Identity id, String topicFilter) {
    return access(id).canSubscribe(topicFilter);
  }
}
