package io.shadowmq.broker.shadow;

import io.shadowmq.broker.shadow.ShadowTopics.Layout;
import io.shadowmq.broker.shadow.ShadowTopics.Request;
import io.shadowmq.shadow.state.ShadowKey;
import io.shadowmq.shadow.state.ShadowOperation;
import io.shadowmq.shadow.state.ShadowReply.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

@Timeout(10)
class ShadowTopicsTest {

  static Stream<Arguments> topics() {
    return Stream.of(
        arguments("$aws/things/pump-1/shadow/update", new Request(ShadowKey.classic("pump-1"), ShadowOperation.UPDATE, Layout.AWS)),
        arguments("$aws/things/pump-1/shadow/get", new Request(ShadowKey.classic("pump-1"), ShadowOperation.GET, Layout.AWS)),
        arguments("$aws/things/pump-1/shadow/delete", new Request(ShadowKey.classic("pump-1"), ShadowOperation.DELETE, Layout.AWS)),
        arguments("$aws/things/pump-1/shadow/name/fw/update", new Request(ShadowKey.named("pump-1", "fw"), ShadowOperation.UPDATE, Layout.AWS)),
        arguments("$aws/things/pump-1/shadow/name/fw/delete", new Request(ShadowKey.named("pump-1", "fw"), ShadowOperation.DELETE, Layout.AWS)),
        arguments("state/pump-1/update", new Request(ShadowKey.classic("pump-1"), ShadowOperation.UPDATE, Layout.STATE)),
        arguments("state/pump-1/get", new Request(ShadowKey.classic("pump-1"), ShadowOperation.GET, Layout.STATE)),
        arguments("$aws/things/a.b/shadow/get", new Request(ShadowKey.classic("a.b"), ShadowOperation.GET, Layout.AWS)),
        arguments("$aws/things/pump-1/shadow/update/accepted", null),
        arguments("$aws/things/pump-1/shadow/update/delta", null),
        arguments("$aws/things/pump-1/shadow/list", null),
        arguments("$aws/things/pump-1/shadow/name/fw", null),
        arguments("$aws/things/pump-1/jobs/get", null),
        arguments("$aws/things/pump-1/shadow/name/fw/update/rejected", null),
        arguments("state/pump-1/update/delta", null),
        arguments("state/pump-1", null),
        arguments("states/pump-1/get", null),
        arguments("devices/pump-1/update", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topics")
  void requestTopicsAreRecognisedInBothLayoutsAndRepliesAreNot(String topic, Request expected) {
    assertThat(ShadowTopics.parseRequest(topic)).isEqualTo(expected);
  }

  static Stream<Arguments> deltaTopics() {
    return Stream.of(
        arguments("$aws/things/t1/shadow/update/delta", ShadowKey.classic("t1")),
        arguments("$aws/things/t1/shadow/name/fw/update/delta", ShadowKey.named("t1", "fw")),
        arguments("state/t1/update/delta", ShadowKey.classic("t1")),
        arguments("$aws/things/t1/shadow/get/delta", null),
        arguments("$aws/things/t1/shadow/update/accepted", null),
        arguments("$aws/things/+/shadow/update/delta", ShadowKey.classic("+")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deltaTopics")
  void deltaTopicsNameTheirShadow(String topic, ShadowKey expected) {
    assertThat(ShadowTopics.parseDeltaTopic(topic)).isEqualTo(expected);
  }

  @Test
  void answersGoToTheRequestsLayoutAndNotificationsOfTheClassicShadowToBoth() {
    Request viaState = new Request(ShadowKey.classic("t1"), ShadowOperation.UPDATE, Layout.STATE);
    assertThat(ShadowTopics.replyTopics(viaState, Kind.ACCEPTED)).containsExactly("state/t1/update/accepted");
    assertThat(ShadowTopics.replyTopics(viaState, Kind.DELTA))
        .containsExactly("$aws/things/t1/shadow/update/delta", "state/t1/update/delta");
    Request get = new Request(ShadowKey.classic("t1"), ShadowOperation.GET, Layout.AWS);
    assertThat(ShadowTopics.replyTopics(get, Kind.REJECTED)).containsExactly("$aws/things/t1/shadow/get/rejected");
    Request named = new Request(ShadowKey.named("t1", "fw"), ShadowOperation.UPDATE, Layout.AWS);
    assertThat(ShadowTopics.replyTopics(named, Kind.DOCUMENTS))
        .containsExactly("$aws/things/t1/shadow/name/fw/update/documents");
    assertThat(ShadowTopics.replyTopics(named, Kind.ACCEPTED))
        .containsExactly("$aws/things/t1/shadow/name/fw/update/accepted");
  }
}
