package io.shadowmq.broker.auth;

import io.shadowmq.broker.routing.Topics;

import java.util.ArrayList;
import java.util.List;

/**
 * What one connected client may publish and subscribe to: the operator's rules, then the default
 * policy, narrowed to the rules that apply to this client and compiled once (its values in place,
 * filters split into levels), so a PUBLISH costs a few level comparisons. Recompiled when the rule
 * file has been replaced. Used on the client's loop only.
 */
public final class Access {
  /** One applicable rule, compiled. */
  record Grant(boolean allow, boolean publish, boolean subscribe, String[] levels) {
    boolean all() {
      return levels.length == 1 && levels[0].equals("#");
    }
  }

  private final Authorizer authorizer;
  private final Identity identity;
  private AclRules compiledFrom;
  private Grant[] grants;

  Access(Authorizer authorizer, Identity identity) {
    this.authorizer = authorizer;
    this.identity = identity;
  }

  public Identity identity() {
    return identity;
  }

  public boolean canPublish(String topic) {
    String[] levels = null;
    for (Grant g : grants()) {
      if (!g.publish()) {
        continue;
      }
      if (g.all()) {
        return g.allow();
      }
      if (levels == null) {
        levels = Topics.levels(topic);
      }
      if (TopicPatterns.matches(g.levels(), levels)) {
        return g.allow();
      }
    }
    return false;
  }

  /**
   * An allow rule must cover every topic of the filter, a deny rule applies as soon as it overlaps it.
   *
   * @param topicFilter the filter without a {@code $share/GROUP/} prefix
   */
  public boolean canSubscribe(String topicFilter) {
    String[] levels = Topics.levels(topicFilter);
    for (Grant g : grants()) {
      if (g.subscribe() && (g.allow() ? TopicPatterns.covers(g.levels(), levels)
          : TopicPatterns.intersects(g.levels(), levels))) {
        return g.allow();
      }
    }
    return false;
  }

  private Grant[] grants() {
    AclRules current = authorizer.rules();
    if (current != compiledFrom) {
      List<Grant> all = new ArrayList<>(current.grantsFor(identity));
      all.addAll(AclRules.DEFAULTS.grantsFor(identity));
      grants = all.toArray(new Grant[0]);
      compiledFrom = current;
    }
    return grants;
  }
}
