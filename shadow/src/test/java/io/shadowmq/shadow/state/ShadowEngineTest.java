package io.shadowmq.shadow.state;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The shadow engine against the AWS IoT Device Shadow documentation's rules and examples. */
@Timeout(10)
class ShadowEngineTest {
  static final long T0 = 1_700_000_000L;
  static final ShadowKey THING = ShadowKey.classic("lamp-1");
  final ShadowEngine engine = new ShadowEngine(ShadowLimits.defaults());

  static ShadowRequest update(String json) {
    return new ShadowRequest(THING, ShadowOperation.UPDATE, json.getBytes(StandardCharsets.UTF_8));
  }

  static ShadowRequest get(String json) {
    return new ShadowRequest(THING, ShadowOperation.GET, json.getBytes(StandardCharsets.UTF_8));
  }

  static ShadowRequest delete(String json) {
    return new ShadowRequest(THING, ShadowOperation.DELETE, json.getBytes(StandardCharsets.UTF_8));
  }

  /** Applies updates in turn, one second apart, and returns the stored shadow. */
  Shadow afterUpdates(String... updates) {
    Shadow s = null;
    long now = T0;
    for (String u : updates) {
      ShadowOutcome o = engine.apply(s, update(u), now++);
      assertThat(o.isAccepted()).as("accepted: %s -> %s", u, o.answer().body()).isTrue();
      s = o.next();
    }
    return s;
  }

  static JsonObject json(String s) {
    return new JsonObject(s);
  }

  static JsonObject reply(ShadowOutcome o, ShadowReply.Kind kind) {
    return o.replies().stream().filter(r -> r.kind() == kind).map(ShadowReply::body).findFirst().orElse(null);
  }

  // ---- merge ----------------------------------------------------------------------------------

  static Stream<Arguments> merges() {
    return Stream.of(
        arguments("first update creates the section",
            new String[] {"{\"state\":{\"desired\":{\"color\":\"red\"}}}"},
            "{\"desired\":{\"color\":\"red\"}}"),
        arguments("an update changes only the fields it names",
            new String[] {"{\"state\":{\"desired\":{\"color\":\"red\",\"engine\":\"on\"}}}",
                "{\"state\":{\"desired\":{\"color\":\"blue\"}}}"},
            "{\"desired\":{\"color\":\"blue\",\"engine\":\"on\"}}"),
        arguments("null removes a key",
            new String[] {"{\"state\":{\"desired\":{\"color\":\"red\",\"engine\":\"on\"}}}",
                "{\"state\":{\"desired\":{\"engine\":null}}}"},
            "{\"desired\":{\"color\":\"red\"}}"),
        arguments("desired: null removes the section",
            new String[] {"{\"state\":{\"desired\":{\"color\":\"red\"},\"reported\":{\"color\":\"red\"}}}",
                "{\"state\":{\"desired\":null}}"},
            "{\"reported\":{\"color\":\"red\"}}"),
        arguments("removing the last key removes the section",
            new String[] {"{\"state\":{\"reported\":{\"color\":\"red\"}}}",
                "{\"state\":{\"reported\":{\"color\":null}}}"},
            "{}"),
        arguments("nested objects merge",
            new String[] {"{\"state\":{\"reported\":{\"lights\":{\"color\":\"red\",\"level\":3}}}}",
                "{\"state\":{\"reported\":{\"lights\":{\"level\":5}}}}"},
            "{\"reported\":{\"lights\":{\"color\":\"red\",\"level\":5}}}"),
        arguments("arrays are replaced whole",
            new String[] {"{\"state\":{\"reported\":{\"colors\":[\"red\",\"green\",\"blue\"]}}}",
                "{\"state\":{\"reported\":{\"colors\":[\"white\"]}}}"},
            "{\"reported\":{\"colors\":[\"white\"]}}"),
        arguments("a value can become an object and back",
            new String[] {"{\"state\":{\"reported\":{\"fw\":\"1.0\"}}}",
                "{\"state\":{\"reported\":{\"fw\":{\"version\":\"2.0\"}}}}"},
            "{\"reported\":{\"fw\":{\"version\":\"2.0\"}}}"),
        arguments("a null under a new key stores nothing",
            new String[] {"{\"state\":{\"reported\":{\"a\":{\"b\":null,\"c\":1}}}}"},
            "{\"reported\":{\"a\":{\"c\":1}}}"),
        arguments("an empty desired is accepted and stores nothing",
            new String[] {"{\"state\":{\"desired\":{}}}"},
            "{}"),
        arguments("fields outside state are ignored",
            new String[] {"{\"thingName\":\"x\",\"shadowName\":\"y\",\"state\":{\"reported\":{\"on\":true}}}"},
            "{\"reported\":{\"on\":true}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("merges")
  void updatesMergeIntoTheStoredState(String name, String[] updates, String expectedState) {
    assertThat(afterUpdates(updates).state()).isEqualTo(json(expectedState));
  }

  // ---- metadata --------------------------------------------------------------------------------

  @Test
  void everyLeafGetsTheTimestampOfItsLastChangeAndArraysOneEntryPerElement() {
    Shadow s = afterUpdates(
        "{\"state\":{\"reported\":{\"color\":\"red\",\"lights\":{\"level\":3,\"on\":true},\"colors\":[\"a\",{\"x\":1}]}}}",
        "{\"state\":{\"reported\":{\"lights\":{\"level\":4}}}}");
    assertThat(s.metadata()).isEqualTo(json("{\"reported\":{"
        + "\"color\":{\"timestamp\":" + T0 + "},"
        + "\"lights\":{\"level\":{\"timestamp\":" + (T0 + 1) + "},\"on\":{\"timestamp\":" + T0 + "}},"
        + "\"colors\":[{\"timestamp\":" + T0 + "},{\"x\":{\"timestamp\":" + T0 + "}}]}}"));
  }

  @Test
  void removedKeysAndSectionsLoseTheirMetadata() {
    Shadow s = afterUpdates("{\"state\":{\"desired\":{\"a\":1,\"b\":2},\"reported\":{\"a\":1}}}",
        "{\"state\":{\"desired\":{\"b\":null},\"reported\":null}}");
    assertThat(s.metadata()).isEqualTo(json("{\"desired\":{\"a\":{\"timestamp\":" + T0 + "}}}"));
  }

  @Test
  void acceptedEchoesTheRequestStateWithItsMetadataVersionTimestampAndClientToken() {
    ShadowOutcome o = engine.apply(null,
        update("{\"state\":{\"desired\":{\"color\":\"red\",\"gone\":null}},\"clientToken\":\"tok-1\"}"), T0);
    assertThat(reply(o, ShadowReply.Kind.ACCEPTED)).isEqualTo(json("{"
        + "\"state\":{\"desired\":{\"color\":\"red\",\"gone\":null}},"
        + "\"metadata\":{\"desired\":{\"color\":{\"timestamp\":" + T0 + "},\"gone\":{\"timestamp\":" + T0 + "}}},"
        + "\"version\":1,\"timestamp\":" + T0 + ",\"clientToken\":\"tok-1\"}"));
  }

  // ---- delta -----------------------------------------------------------------------------------

  static Stream<Arguments> deltas() {
    return Stream.of(
        arguments("AWS's example: nested down to the differing leaf",
            "{\"lights\":{\"color\":\"RED\"},\"engine\":\"ON\"}", "{\"lights\":{\"color\":\"GREEN\"},\"engine\":\"ON\"}",
            "{\"lights\":{\"color\":\"RED\"}}"),
        arguments("desired keys not reported are in the delta", "{\"a\":1,\"b\":2}", "{\"a\":1}", "{\"b\":2}"),
        arguments("reported keys not desired are not", "{\"a\":1}", "{\"a\":1,\"z\":9}", null),
        arguments("no reported state: the whole desired", "{\"a\":{\"b\":1}}", null, "{\"a\":{\"b\":1}}"),
        arguments("arrays are compared whole and sent whole", "{\"c\":[\"RED\",\"GREEN\"]}", "{\"c\":[\"RED\"]}",
            "{\"c\":[\"RED\",\"GREEN\"]}"),
        arguments("equal arrays give no delta", "{\"c\":[1,{\"x\":true}]}", "{\"c\":[1,{\"x\":true}]}", null),
        arguments("numbers are compared by value", "{\"n\":1}", "{\"n\":1.0}", null),
        arguments("types differ: the desired value", "{\"n\":\"1\"}", "{\"n\":1}", "{\"n\":\"1\"}"),
        arguments("an object desired where a value is reported", "{\"o\":{\"k\":1}}", "{\"o\":5}", "{\"o\":{\"k\":1}}"),
        arguments("an empty desired object differs from nothing", "{\"o\":{}}", null, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deltas")
  void theDeltaHoldsTheDesiredLeavesThatDifferFromReported(String name, String desired, String reported,
                                                           String expected) {
    JsonObject delta = ShadowDelta.of(json(desired), reported == null ? null : json(reported));
    assertThat(delta).isEqualTo(expected == null ? null : json(expected));
  }

  @Test
  void anUpdateThatLeavesADeltaPublishesItWithTheDesiredMetadataOfItsLeaves() {
    Shadow s = afterUpdates("{\"state\":{\"reported\":{\"lights\":{\"color\":\"GREEN\"},\"engine\":\"ON\"}}}");
    ShadowOutcome o = engine.apply(s,
        update("{\"state\":{\"desired\":{\"lights\":{\"color\":\"RED\"},\"engine\":\"ON\"}},\"clientToken\":\"c\"}"),
        T0 + 5);
    assertThat(o.replies()).extracting(ShadowReply::kind)
        .containsExactly(ShadowReply.Kind.ACCEPTED, ShadowReply.Kind.DELTA, ShadowReply.Kind.DOCUMENTS);
    assertThat(reply(o, ShadowReply.Kind.DELTA)).isEqualTo(json("{\"version\":2,\"timestamp\":" + (T0 + 5)
        + ",\"state\":{\"lights\":{\"color\":\"RED\"}},"
        + "\"metadata\":{\"lights\":{\"color\":{\"timestamp\":" + (T0 + 5) + "}}},\"clientToken\":\"c\"}"));
  }

  @Test
  void noDeltaIsPublishedWhenReportedMatchesDesired() {
    Shadow s = afterUpdates("{\"state\":{\"desired\":{\"on\":true}}}");
    ShadowOutcome o = engine.apply(s, update("{\"state\":{\"reported\":{\"on\":true}}}"), T0 + 5);
    assertThat(o.replies()).extracting(ShadowReply::kind)
        .containsExactly(ShadowReply.Kind.ACCEPTED, ShadowReply.Kind.DOCUMENTS);
  }

  @Test
  void theCatchUpDeltaIsTheCurrentDeltaWithoutClientToken() {
    Shadow s = afterUpdates("{\"state\":{\"desired\":{\"fw\":\"2.0\",\"on\":true},\"reported\":{\"on\":true}}}");
    assertThat(engine.deltaMessage(s, T0 + 9)).isEqualTo(json("{\"version\":1,\"timestamp\":" + (T0 + 9)
        + ",\"state\":{\"fw\":\"2.0\"},\"metadata\":{\"fw\":{\"timestamp\":" + T0 + "}}}"));
    assertThat(engine.deltaMessage(afterUpdates("{\"state\":{\"reported\":{\"on\":true}}}"), T0)).isNull();
    assertThat(engine.deltaMessage(null, T0)).isNull();
  }

  // ---- documents, versions, get, delete ----------------------------------------------------------

  @Test
  void documentsCarryPreviousAndCurrentWithStateMetadataAndVersion() {
    Shadow s = afterUpdates("{\"state\":{\"reported\":{\"on\":false}}}");
    ShadowOutcome o = engine.apply(s, update("{\"state\":{\"reported\":{\"on\":true}},\"clientToken\":\"d\"}"), T0 + 3);
    assertThat(reply(o, ShadowReply.Kind.DOCUMENTS)).isEqualTo(json("{"
        + "\"previous\":{\"state\":{\"reported\":{\"on\":false}},\"metadata\":{\"reported\":{\"on\":{\"timestamp\":" + T0
        + "}}},\"version\":1},"
        + "\"current\":{\"state\":{\"reported\":{\"on\":true}},\"metadata\":{\"reported\":{\"on\":{\"timestamp\":"
        + (T0 + 3) + "}}},\"version\":2},"
        + "\"timestamp\":" + (T0 + 3) + ",\"clientToken\":\"d\"}"));
    ShadowOutcome first = engine.apply(null, update("{\"state\":{\"reported\":{\"on\":true}}}"), T0);
    assertThat(reply(first, ShadowReply.Kind.DOCUMENTS).containsKey("previous")).isFalse();
  }

  @Test
  void versionsStartAtOneAndGrowByOnePerUpdateEvenWithoutAChange() {
    Shadow s = afterUpdates("{\"state\":{\"reported\":{\"on\":true}}}", "{\"state\":{\"reported\":{\"on\":true}}}",
        "{\"state\":{}}");
    assertThat(s.version()).isEqualTo(3);
  }

  @Test
  void anUpdateNamingTheCurrentVersionIsAcceptedAndAStaleOneGets409() {
    Shadow s = afterUpdates("{\"state\":{\"reported\":{\"on\":true}}}", "{\"state\":{\"reported\":{\"on\":false}}}");
    assertThat(engine.apply(s, update("{\"state\":{\"reported\":{\"x\":1}},\"version\":2}"), T0).isAccepted()).isTrue();
    ShadowOutcome stale = engine.apply(s, update("{\"state\":{\"reported\":{\"x\":1}},\"version\":1,\"clientToken\":\"s\"}"), T0);
    assertThat(stale.answer().body()).isEqualTo(json(
        "{\"code\":409,\"message\":\"Version conflict\",\"timestamp\":" + T0 + ",\"clientToken\":\"s\"}"));
    assertThat(stale.next()).isNull();
  }

  @Test
  void getReturnsTheWholeDocumentWithTheComputedDelta() {
    Shadow s = afterUpdates("{\"state\":{\"desired\":{\"on\":true,\"level\":5},\"reported\":{\"on\":true}}}");
    ShadowOutcome o = engine.apply(s, get("{\"clientToken\":\"g\"}"), T0 + 7);
    assertThat(o.next()).isNull();
    assertThat(o.answer().body()).isEqualTo(json("{"
        + "\"state\":{\"desired\":{\"on\":true,\"level\":5},\"reported\":{\"on\":true},\"delta\":{\"level\":5}},"
        + "\"metadata\":{\"desired\":{\"on\":{\"timestamp\":" + T0 + "},\"level\":{\"timestamp\":" + T0 + "}},"
        + "\"reported\":{\"on\":{\"timestamp\":" + T0 + "}}},"
        + "\"version\":1,\"timestamp\":" + (T0 + 7) + ",\"clientToken\":\"g\"}"));
  }

  @Test
  void deleteAnswersWithTheVersionAndKeepsItForTheNextUpdate() {
    Shadow s = afterUpdates("{\"state\":{\"reported\":{\"on\":true}}}", "{\"state\":{\"reported\":{\"on\":false}}}");
    ShadowOutcome deleted = engine.apply(s, delete(""), T0 + 4);
    assertThat(deleted.answer().body()).isEqualTo(json("{\"version\":2,\"timestamp\":" + (T0 + 4) + "}"));
    assertThat(deleted.next().exists()).isFalse();
    assertThat(engine.apply(deleted.next(), get(""), T0).code()).isEqualTo(404);
    assertThat(engine.apply(deleted.next(), delete(""), T0).code()).isEqualTo(404);
    ShadowOutcome again = engine.apply(deleted.next(), update("{\"state\":{\"reported\":{\"x\":1}}}"), T0 + 5);
    assertThat(again.next().version()).isEqualTo(3);
    assertThat(again.next().state()).isEqualTo(json("{\"reported\":{\"x\":1}}"));
    assertThat(reply(again, ShadowReply.Kind.DOCUMENTS).containsKey("previous")).isFalse();
  }

  // ---- rejections ------------------------------------------------------------------------------

  static String nested(int levels) {
    return "{\"a\":".repeat(levels - 1) + "{\"leaf\":1}" + "}".repeat(levels - 1);
  }

  static Stream<Arguments> rejections() {
    String token65 = "x".repeat(65);
    return Stream.of(
        arguments("not JSON", "{\"state\":", 400, "Invalid JSON", null),
        arguments("JSON but not an object", "[1,2]", 400, "Invalid JSON", null),
        arguments("an empty update", "", 400, "Invalid JSON", null),
        arguments("no state", "{\"clientToken\":\"t\"}", 400, "Missing required node: state", "t"),
        arguments("state not an object", "{\"state\":5,\"clientToken\":\"t\"}", 400, "State node must be an object", "t"),
        arguments("state null", "{\"state\":null}", 400, "State node must be an object", null),
        arguments("desired not an object", "{\"state\":{\"desired\":[1]}}", 400, "Desired node must be an object", null),
        arguments("reported not an object", "{\"state\":{\"reported\":\"on\"}}", 400, "Reported node must be an object", null),
        arguments("delta in state", "{\"state\":{\"delta\":{\"a\":1}},\"clientToken\":\"t\"}", 400,
            "State contains an invalid node", "t"),
        arguments("a version that is a string", "{\"state\":{},\"version\":\"1\"}", 400, "Invalid version", null),
        arguments("a negative version", "{\"state\":{},\"version\":-1}", 400, "Invalid version", null),
        arguments("a fractional version", "{\"state\":{},\"version\":1.5}", 400, "Invalid version", null),
        arguments("a clientToken that is not a string", "{\"state\":{},\"clientToken\":7}", 400, "Invalid clientToken", null),
        arguments("a clientToken over 64 bytes", "{\"state\":{},\"clientToken\":\"" + token65 + "\"}", 400,
            "Invalid clientToken (longer than 64 bytes)", null),
        arguments("desired nested 7 deep", "{\"state\":{\"desired\":" + nested(7) + "}}", 400,
            "JSON contains too many levels of nesting; maximum is 6", null),
        arguments("arrays count as levels", "{\"state\":{\"reported\":{\"a\":[[[[[[1]]]]]]}}}", 400,
            "JSON contains too many levels of nesting; maximum is 6", null),
        arguments("a stale version on a new shadow", "{\"state\":{},\"version\":3}", 409, "Version conflict", null),
        arguments("a document over 8 KB", "{\"state\":{\"reported\":{\"big\":\"" + "x".repeat(8200) + "\"}}}", 413,
            "The payload exceeds the maximum size allowed (8192 bytes of desired and reported state)", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejections")
  void invalidUpdatesAreRejectedWithAwsCodesAndMessages(String name, String payload, int code, String message,
                                                        String clientToken) {
    ShadowOutcome o = engine.apply(null, update(payload), T0);
    JsonObject expected = new JsonObject().put("code", code).put("message", message).put("timestamp", T0);
    if (clientToken != null) {
      expected.put("clientToken", clientToken);
    }
    assertThat(o.answer().kind()).isEqualTo(ShadowReply.Kind.REJECTED);
    assertThat(o.answer().body()).isEqualTo(expected);
    assertThat(o.next()).isNull();
  }

  @Test
  void nestingOfSixLevelsAndAClientTokenOf64BytesAreAccepted() {
    assertThat(engine.apply(null, update("{\"state\":{\"desired\":" + nested(6) + "},\"clientToken\":\""
        + "é".repeat(32) + "\"}"), T0).isAccepted()).isTrue();
  }

  @Test
  void theSizeLimitCountsDesiredAndReportedAfterTheMergeWithoutMetadata() {
    String half = "x".repeat(4000);
    Shadow s = afterUpdates("{\"state\":{\"desired\":{\"a\":\"" + half + "\"}}}");
    ShadowOutcome o = engine.apply(s, update("{\"state\":{\"reported\":{\"b\":\"" + half + "\"}}}"), T0);
    assertThat(o.isAccepted()).as("8 016 bytes fit").isTrue();
    ShadowOutcome over = engine.apply(o.next(), update("{\"state\":{\"reported\":{\"c\":\"" + "y".repeat(200) + "\"}}}"), T0);
    assertThat(over.code()).isEqualTo(413);
    ShadowOutcome shrink = engine.apply(o.next(), update("{\"state\":{\"desired\":null}}"), T0);
    assertThat(shrink.isAccepted()).isTrue();
  }

  @Test
  void aBodyThatIsNotUtf8IsRejectedWith415() {
    ShadowRequest r = new ShadowRequest(THING, ShadowOperation.UPDATE, new byte[] {'{', (byte) 0xC3, '}'});
    assertThat(engine.apply(null, r, T0).answer().body()).isEqualTo(json("{\"code\":415,"
        + "\"message\":\"Unsupported documented encoding; supported encoding is UTF-8\",\"timestamp\":" + T0 + "}"));
  }

  @Test
  void getAndDeleteOfAShadowThatDoesNotExistAre404WithAwsMessages() {
    assertThat(engine.apply(null, get("{\"clientToken\":\"n\"}"), T0).answer().body()).isEqualTo(json(
        "{\"code\":404,\"message\":\"Thing not found\",\"timestamp\":" + T0 + ",\"clientToken\":\"n\"}"));
    ShadowRequest named = new ShadowRequest(ShadowKey.named("lamp-1", "config"), ShadowOperation.DELETE, new byte[0]);
    assertThat(engine.apply(null, named, T0).answer().body().getString("message"))
        .isEqualTo("No shadow exists with name: config");
  }

  static Stream<Arguments> names() {
    return Stream.of(
        arguments(ShadowKey.classic("a.b"), 400, "Invalid thing name: it must match [a-zA-Z0-9:_-]{1,128}"),
        arguments(ShadowKey.classic("x".repeat(129)), 400, "Invalid thing name: it must match [a-zA-Z0-9:_-]{1,128}"),
        arguments(ShadowKey.named("ok", "bad name"), 400, "Invalid shadow name: it must match [a-zA-Z0-9:_-]{1,64}"),
        arguments(ShadowKey.named("ok", "s".repeat(65)), 400, "Invalid shadow name: it must match [a-zA-Z0-9:_-]{1,64}"),
        arguments(ShadowKey.named("Thing:1_a-B", "s".repeat(64)), 0, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void thingAndShadowNamesFollowTheAwsPatterns(ShadowKey key, int code, String message) {
    ShadowOutcome o = engine.apply(null, new ShadowRequest(key, ShadowOperation.UPDATE,
        "{\"state\":{}}".getBytes(StandardCharsets.UTF_8)), T0);
    assertThat(o.code()).isEqualTo(code);
    if (message != null) {
      assertThat(o.answer().body().getString("message")).isEqualTo(message);
    }
  }

  @Test
  void rejectionsDecidedOutsideTheEngineEchoTheClientToken() {
    ShadowOutcome o = engine.reject(get("{\"clientToken\":\"r\"}"), ShadowError.tooManyRequests(100, 200), T0);
    assertThat(o.answer().body()).isEqualTo(json("{\"code\":429,\"message\":\"Too Many Requests: more than 100 "
        + "requests per second (burst 200) on this thing\",\"timestamp\":" + T0 + ",\"clientToken\":\"r\"}"));
    assertThat(engine.reject(get("garbage"), ShadowError.SERVICE_UNAVAILABLE, T0).answer().body().containsKey("clientToken"))
        .isFalse();
  }

  @Test
  void theStoredFormReadsBackToTheSameShadow() {
    Shadow s = afterUpdates("{\"state\":{\"desired\":{\"a\":[1,2]},\"reported\":{\"b\":{\"c\":null,\"d\":\"e\"}}}}");
    assertThat(Shadow.fromStored(s.version(), s.toStoredJson())).isEqualTo(s);
    assertThat(Shadow.fromStored(4, null)).isEqualTo(Shadow.deleted(4));
  }
}
