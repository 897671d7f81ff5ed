package io.shadowmq.shadow.rollout;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RolloutSpecReaderTest {
  private static JsonObject minimal() {
    return new JsonObject().put("releaseId", "rel-1").put("target", new JsonObject().put("group", "line-3"));
  }

  @Test
  void everythingButReleaseAndTargetHasADefault() {
    RolloutSpec spec = RolloutSpecReader.read(minimal());
    assertThat(spec.delivery()).isEqualTo(RolloutSpec.Delivery.SHADOW);
    assertThat(spec.waves()).isEqualTo(new RolloutSpec.Waves(null, 5, 2, 1000));
    assertThat(spec.maxInProgress()).isEqualTo(100);
    assertThat(spec.successGate()).isEqualTo(new RolloutSpec.SuccessGate(90, 600));
    assertThat(spec.failureThreshold()).isEqualTo(new RolloutSpec.FailureThreshold(20, 5, RolloutSpec.Action.PAUSE));
    assertThat(spec.timeouts()).isEqualTo(new RolloutSpec.Timeouts(3600, 86400));
    assertThat(spec.retries()).isEqualTo(new RolloutSpec.Retries(0, 60));
    assertThat(spec.startAt()).isNull();
    assertThat(spec.requireApproval() || spec.continuous() || spec.supersede()).isFalse();
  }

  @Test
  void theStoredFormReadsBackTheSame() {
    JsonObject in = new JsonObject().put("releaseId", "rel-1")
        .put("target", new JsonObject().put("selector", new JsonObject().put("model", "asg210")))
        .put("delivery", "method").put("waves", new JsonObject().put("sizes", new JsonArray().add(2).add("10%").add("100%")))
        .put("failureThreshold", new JsonObject().put("action", "rollback")).put("startAt", "2026-12-01T10:00:00Z")
        .put("continuous", true);
    RolloutSpec spec = RolloutSpecReader.read(in);
    assertThat(spec.target().selector()).isEqualTo(Map.of("model", "asg210"));
    assertThat(spec.waves().sizes()).isEqualTo(List.of(2, 10.0, 100.0));
    assertThat(RolloutSpecReader.read(spec.toJson())).isEqualTo(spec);
    assertThat(spec.toJson().getJsonObject("waves").getJsonArray("sizes")).isEqualTo(new JsonArray().add(2).add("10%").add("100%"));
  }

  @Test
  void aListedDeviceCountsOnceInTheOrderItWasFirstGiven() {
    JsonArray ids = new JsonArray().add("b").add("a").add("b").add("c").add("a");
    RolloutSpec spec = RolloutSpecReader.read(minimal().put("target", new JsonObject().put("devices", ids)));
    assertThat(spec.target().devices()).containsExactly("b", "a", "c");

    JsonArray many = new JsonArray();
    for (int i = 0; i < RolloutSpecReader.MAX_LISTED_DEVICES; i++) {
      many.add("dev-" + (RolloutSpecReader.MAX_LISTED_DEVICES - i));
    }
    RolloutSpec big = RolloutSpecReader.read(minimal().put("target", new JsonObject().put("devices", many)));
    assertThat(big.target().devices()).hasSize(RolloutSpecReader.MAX_LISTED_DEVICES)
        .startsWith("dev-" + RolloutSpecReader.MAX_LISTED_DEVICES);
  }

  @Test
  void aBadMemberIsNamed() {
    assertThatThrownBy(() -> RolloutSpecReader.read(minimal().put("target", new JsonObject().put("group", "a")
        .put("devices", new JsonArray().add("b"))))).isInstanceOfSatisfying(InvalidSpecException.class,
        e -> assertThat(e.field()).isEqualTo("target"));
    assertThatThrownBy(() -> RolloutSpecReader.read(minimal().put("waves", new JsonObject().put("sizes",
        new JsonArray().add("0%"))))).isInstanceOfSatisfying(InvalidSpecException.class,
        e -> assertThat(e.field()).isEqualTo("waves.sizes[0]"));
    assertThatThrownBy(() -> RolloutSpecReader.read(minimal().put("waves", new JsonObject().put("canary", 10)
        .put("maxWaveSize", 5)))).isInstanceOfSatisfying(InvalidSpecException.class,
        e -> assertThat(e.field()).isEqualTo("waves.maxWaveSize"));
    assertThatThrownBy(() -> RolloutSpecReader.read(minimal().put("target", new JsonObject().put("selector",
        new JsonObject().put("model", 7))))).isInstanceOfSatisfying(InvalidSpecException.class,
        e -> assertThat(e.field()).isEqualTo("target.selector.model"));
  }
}
