package io.shadowmq.broker.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rule language and the default policy, decided for identities without a broker. */
@Timeout(10)
class AclRulesTest {
  static final Identity PUMP = Identity.device("pump-1", Map.of("site", "north", "role", "sensor"));
  static final Identity BACKEND = Identity.device("backend-1", Map.of("role", "backend"));
  static final Identity ANON = Identity.anonymous("visitor");

  static Authorizer authorizer(String rules) {
    Authorizer a = new Authorizer();
    a.rules(AclRules.parse(rules, "test"));
    return a;
  }

  @Test
  void byDefaultADeviceUsesItsOwnTopicsOnly() {
    Authorizer a = new Authorizer();
    assertThat(a.canPublish(PUMP, "$aws/things/pump-1/shadow/update")).isTrue();
    assertThat(a.canPublish(PUMP, "state/pump-1/update")).isTrue();
    assertThat(a.canPublish(PUMP, "devices/pump-1/telemetry")).isTrue();
    assertThat(a.canPublish(PUMP, "$iothub/methods/res/200/?$rid=1")).isTrue();
    assertThat(a.canSubscribe(PUMP, "$aws/things/pump-1/shadow/update/delta")).isTrue();
    assertThat(a.canSubscribe(PUMP, "$iothub/methods/POST/#")).isTrue();

    assertThat(a.canPublish(PUMP, "$aws/things/pump-2/shadow/update")).isFalse();
    assertThat(a.canPublish(PUMP, "devices/pump-2/telemetry")).isFalse();
    assertThat(a.canPublish(PUMP, "$iothub/methods/POST/reboot/?$rid=1")).isFalse();
    assertThat(a.canSubscribe(PUMP, "$aws/things/+/shadow/#")).isFalse();
    assertThat(a.canSubscribe(PUMP, "$iothub/methods/res/#")).isFalse();
    assertThat(a.canSubscribe(PUMP, "#")).isFalse();
  }

  @Test
  void anonymousClientsMayDoEverythingUnlessRulesSayOtherwise() {
    assertThat(new Authorizer().canSubscribe(ANON, "#")).isTrue();
    Authorizer a = authorizer("deny subscribe devices/+/secret/# anonymous");
    assertThat(a.canSubscribe(ANON, "devices/#")).as("a deny rule applies to an overlapping filter").isFalse();
    assertThat(a.canSubscribe(ANON, "devices/+/public/#")).isTrue();
  }

  @Test
  void theFirstMatchingRuleDecides() {
    Authorizer a = authorizer("""
        # the backend reads every device's telemetry, but not pump-7's
        deny  subscribe devices/pump-7/#      tag role=backend
        allow subscribe devices/+/telemetry   tag role=backend
        allow publish   fleet/{tag:site}/#    devices
        """);
    assertThat(a.canSubscribe(BACKEND, "devices/+/telemetry")).isFalse(); // overlaps the deny rule
    assertThat(a.canSubscribe(BACKEND, "devices/pump-1/telemetry")).isTrue();
    assertThat(a.canSubscribe(PUMP, "devices/+/telemetry")).as("the tag rule is not for sensors").isFalse();
    assertThat(a.canPublish(PUMP, "fleet/north/alarm")).isTrue();
    assertThat(a.canPublish(PUMP, "fleet/south/alarm")).isFalse();
    assertThat(a.canPublish(BACKEND, "fleet/north/alarm")).as("no site tag, no rule").isFalse();
  }

  @Test
  void aClientIdWithWildcardsOrSeparatorsGainsNothingFromAPlaceholder() {
    Authorizer a = authorizer("""
        allow both sandbox/{clientid}/#  everyone
        deny  both #                      anonymous
        """);
    assertThat(a.canSubscribe(Identity.anonymous("x"), "sandbox/x/#")).isTrue();
    for (String id : new String[] {"+", "#", "x/y", "$SYS", "a+b"}) {
      assertThat(a.canSubscribe(Identity.anonymous(id), "sandbox/+/#")).as(id).isFalse();
      assertThat(a.canSubscribe(Identity.anonymous(id), "sandbox/#")).as(id).isFalse();
      assertThat(a.canPublish(Identity.anonymous(id), "sandbox/" + id + "/z")).as(id).isFalse();
    }
    assertThat(new Authorizer().canSubscribe(Identity.device("+", Map.of()), "$aws/things/+/shadow/#")).isFalse();
  }

  @Test
  void mistakesAreReportedWithTheirLine() {
    assertThatThrownBy(() -> AclRules.parse("allow publish a/b devices\npermit publish a/b devices", "rules.acl"))
        .hasMessageContaining("rules.acl line 2").hasMessageContaining("allow or deny");
    assertThatThrownBy(() -> AclRules.parse("allow read a/b devices", "f")).hasMessageContaining("publish, subscribe or both");
    assertThatThrownBy(() -> AclRules.parse("allow both a/#/b devices", "f")).hasMessageContaining("line 1");
    assertThatThrownBy(() -> AclRules.parse("allow both a/{user}/b devices", "f")).hasMessageContaining("placeholder");
    assertThatThrownBy(() -> AclRules.parse("allow both a/b tag role", "f")).hasMessageContaining("NAME=VALUE");
    assertThatThrownBy(() -> AclRules.parse("allow both a/b device", "f")).hasMessageContaining("device ID");
    assertThatThrownBy(() -> AclRules.parse("allow both a/b people", "f")).hasMessageContaining("subject");
    assertThatThrownBy(() -> AclRules.parse("allow both $share/g/a devices", "f")).hasMessageContaining("$share");
    assertThat(AclRules.parse("\n# only a comment\n\n", "f").size()).isZero();
  }
}
