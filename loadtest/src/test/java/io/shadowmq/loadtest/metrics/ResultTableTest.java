package io.shadowmq.loadtest.metrics;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class ResultTableTest {

  @Test
  void twoResultsShowBothFiguresAndTheRatio() {
    JsonObject a = new JsonObject().put("scenario", "pubsub").put("msgsPerSecOut", 1000.0)
        .put("latencyMs", new JsonObject().put("p99", 2.0));
    JsonObject b = new JsonObject().put("scenario", "pubsub").put("msgsPerSecOut", 2500.0)
        .put("latencyMs", new JsonObject().put("p99", 1.0));
    String table = ResultTable.render(List.of("mosquitto", "shadowmq"), List.of(a, b));
    assertThat(table.lines().findFirst().orElseThrow()).contains("pubsub", "mosquitto", "shadowmq", "shadowmq/mosquitto");
    assertThat(table).containsPattern("msgsPerSecOut\\s+1,000\\s+2,500\\s+2.50x");
    assertThat(table).containsPattern("latencyMs.p99\\s+2.00\\s+1.00\\s+0.50x");
  }

  @Test
  void missingFiguresAreDashes() {
    JsonObject a = new JsonObject().put("scenario", "connect").put("bytesPerConnection", 700.0);
    JsonObject b = new JsonObject().put("scenario", "connect");
    String table = ResultTable.render(List.of("a", "b"), List.of(a, b));
    assertThat(table).containsPattern("bytesPerConnection\\s+700\\s+-\\s+-");
  }
}
