package io.shadowmq.shadow.rollout;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The device report shown beside an execution: what a device may put in its reported state, any shape. */
class ExecutionReportTest {

  @Test
  void theKnownMembersOfTheRightTypesAreShown() {
    JsonObject shown = Execution.report("{\"status\":\"downloading\",\"progress\":40,\"version\":\"1.0.0\","
        + "\"rolloutId\":\"r-1\",\"error\":{\"code\":\"NETWORK\",\"message\":\"x\"},\"extra\":true}");
    assertThat(shown).isEqualTo(new JsonObject().put("status", "downloading").put("progress", 40)
        .put("version", "1.0.0").put("error", new JsonObject().put("code", "NETWORK").put("message", "x")));
  }

  @Test
  void membersOfOtherTypesAreLeftOut() {
    assertThat(Execution.report("{\"status\":7,\"progress\":\"half\",\"version\":2}")).isNull();
    assertThat(Execution.report("{\"status\":\"applying\",\"progress\":\"half\"}"))
        .isEqualTo(new JsonObject().put("status", "applying"));
  }

  @Test
  void aReportThatIsNotAnObjectShowsNothing() {
    assertThat(Execution.report("\"downloading\"")).isNull();
    assertThat(Execution.report("[1,2]")).isNull();
    assertThat(Execution.report("42")).isNull();
    assertThat(Execution.report("null")).isNull();
  }
}
