package io.shadowmq.loadtest.metrics;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class ResultMergeTest {

  private static Result worker(long sent, long delivered, long duplicated, double rateIn, double secs,
                               long... latenciesMicros) {
    Result r = new Result();
    r.scenario = "pubsub";
    r.connections = 10L;
    r.connectFailures = 0L;
    r.sent = sent;
    r.delivered = delivered;
    r.duplicated = duplicated;
    r.outOfOrder = 1L;
    r.errors = 0L;
    r.msgsPerSecIn = rateIn;
    r.msgsPerSecOut = rateIn;
    r.durationSeconds = secs;
    r.cpuSecondsLoadgen = 1.5;
    r.expectedPerSent = 1.0;
    Histogram h = new Histogram(3);
    for (long v : latenciesMicros) {
      h.recordValue(v);
    }
    r.histograms.put("latencyMs", h);
    r.extra.put("unacknowledged", 2L);
    return r;
  }

  @Test
  void countsRatesAndCpuAddUpAndDurationIsTheLongest() {
    Result m = Result.merge(List.of(worker(100, 100, 0, 50, 2.0, 1000), worker(300, 290, 0, 150, 2.5, 2000)));
    assertThat(m.workers).isEqualTo(2);
    assertThat(m.connections).isEqualTo(20);
    assertThat(m.sent).isEqualTo(400);
    assertThat(m.delivered).isEqualTo(390);
    assertThat(m.outOfOrder).isEqualTo(2);
    assertThat(m.msgsPerSecIn).isEqualTo(200.0);
    assertThat(m.cpuSecondsLoadgen).isEqualTo(3.0);
    assertThat(m.durationSeconds).isEqualTo(2.5);
    assertThat(m.extra).containsEntry("unacknowledged", 4L);
    assertThat(m.lost).isEqualTo(10);
  }

  @Test
  void histogramsMergeExactly() {
    Result m = Result.merge(List.of(worker(3, 3, 0, 1, 1, 100, 200, 300), worker(3, 3, 0, 1, 1, 400, 500, 60_000)));
    Histogram h = m.histograms.get("latencyMs");
    assertThat(h.getTotalCount()).isEqualTo(6);
    assertThat(h.getMaxValue()).isBetween(59_990L, 60_040L);
    assertThat(h.getValueAtPercentile(50)).isBetween(299L, 301L);
  }

  @Test
  void lossIsComputedFromAllWorkersTogether() {
    // Fan-out over two workers: the publisher lives in worker 0, half of the 10 subscribers in each.
    Result publisherSide = worker(100, 500, 0, 10, 1);
    Result otherSide = worker(0, 490, 0, 0, 1);
    publisherSide.expectedPerSent = 10.0;
    otherSide.expectedPerSent = 10.0;
    Result m = Result.merge(List.of(publisherSide, otherSide));
    assertThat(m.lost).isEqualTo(10);
  }

  @Test
  void duplicatesDoNotHideLosses() {
    Result m = Result.merge(List.of(worker(100, 100, 5, 1, 1)));
    assertThat(m.lost).isEqualTo(5);
    assertThat(m.duplicated).isEqualTo(5);
  }

  @Test
  void aResultSurvivesItsJsonForm() {
    Result r = worker(1000, 999, 0, 100, 10, 10, 20, 30_000);
    r.brokerRssBefore = 1000L;
    r.brokerRssAfter = 5000L;
    r.computeLost();
    Result back = Result.fromJson(r.toJson());
    assertThat(back.toJson()).isEqualTo(r.toJson());
    assertThat(back.histograms.get("latencyMs")).isEqualTo(r.histograms.get("latencyMs"));
    assertThat(r.toJson().getJsonObject("latencyMs").fieldNames())
        .containsExactly("p50", "p90", "p99", "p999", "max");
  }

  @Test
  void theJsonHasEveryDocumentedFieldWithNullsWhereTheyDoNotApply() {
    Result r = new Result();
    r.scenario = "connect";
    r.connections = 5L;
    assertThat(r.toJson().fieldNames()).contains("scenario", "connections", "sent", "delivered", "lost",
        "duplicated", "outOfOrder", "msgsPerSecIn", "msgsPerSecOut", "latencyMs", "bytesPerConnection",
        "cpuSecondsLoadgen");
    assertThat(r.toJson().getValue("sent")).isNull();
  }

  @Test
  void memoryPerConnectionIsTheGrowthDividedByConnections() {
    Result r = new Result();
    r.connections = 1000L;
    r.brokerRssBefore = 10_000_000L;
    r.brokerRssAfter = 13_000_000L;
    r.brokerHeapBefore = 1_000_000L;
    r.brokerHeapAfter = 2_500_000L;
    r.computeMemoryPerConnection();
    assertThat(r.bytesPerConnection).isEqualTo(3000.0);
    assertThat(r.heapBytesPerConnection).isEqualTo(1500.0);
  }
}
