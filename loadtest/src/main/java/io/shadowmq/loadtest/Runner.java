package io.shadowmq.loadtest;

import io.shadowmq.loadtest.client.LinkFactory;
import io.shadowmq.loadtest.metrics.CpuSampler;
import io.shadowmq.loadtest.metrics.LocalProcess;
import io.shadowmq.loadtest.metrics.Progress;
import io.shadowmq.loadtest.metrics.Result;
import io.shadowmq.loadtest.metrics.ResultTable;
import io.shadowmq.loadtest.scenario.Scenario;
import io.shadowmq.loadtest.scenario.ScenarioEnv;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs one scenario in this process: setup, (for a worker: report ready and wait for the
 * coordinator's go), the measured run, the result. With {@code --workers K} it hands over to
 * {@link WorkerPool} instead.
 */
final class Runner {
  /** Lines a worker writes on standard output for its coordinator. */
  static final String READY = "@ready";
  static final String PROGRESS = "@progress ";
  static final String RESULT = "@result ";
  static final String FAILED = "@failed ";
  static final String GO = "go";

  private Runner() {
  }

  static int run(CommonOptions c, String scenarioName, double runBoundSeconds, Function<ScenarioEnv, Scenario> factory,
                 List<String> args) throws Exception {
    if (c.workers > 1 && !c.isWorker()) {
      return new WorkerPool(c, scenarioName, runBoundSeconds, args).run();
    }
    PrintStream out = System.out;
    LocalProcess broker = c.isWorker() || c.brokerPid == null ? null : new LocalProcess(c.brokerPid);
    BrokerProbe probe = broker == null || !scenarioName.equals("connect") ? null : new BrokerProbe(broker);
    if (probe != null) {
      probe.before();
    }
    // A worker's CPU is sampled by its coordinator.
    CpuSampler cpu = c.isWorker() ? null
        : new CpuSampler(List.of(new LocalProcess(ProcessHandle.current().pid())), broker);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setEventLoopPoolSize(c.eventLoops()).setPreferNativeTransport(true))
        .build();
    Progress progress = new Progress(System.err, System.console() != null);
    Scenario scenario = null;
    long progressTimer = -1;
    try {
      scenario = factory.apply(new ScenarioEnv(vertx, c.eventLoops(), new LinkFactory(vertx, c.linkSettings()),
          c.runOptions()));
      Scenario s = scenario;
      progressTimer = vertx.setPeriodic(1000, id -> {
        if (c.isWorker()) {
          emit(out, PROGRESS + s.counters().sample().encode());
        } else {
          progress.show(s.counters().sample());
        }
      });
      long started = System.nanoTime();
      try {
        scenario.setup().await(setupBoundSeconds(c), TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new SetupFailed(e.getMessage());
      }
      if (c.isWorker()) {
        emit(out, READY);
        awaitGo(runBoundSeconds + 120);
      }
      if (probe != null) {
        probe.afterSetup();
      }
      scenario.run().await((long) runBoundSeconds + 120, TimeUnit.SECONDS);
      Result result = scenario.result();
      result.broker = c.brokerLabel();
      vertx.cancelTimer(progressTimer);
      if (cpu != null) {
        cpu.close();
        readCpu(cpu, result, started);
      }
      if (probe != null) {
        probe.afterRun(result);
      }
      scenario.close().await(30, TimeUnit.SECONDS);
      if (c.isWorker()) {
        emit(out, RESULT + result.toJson().encode());
        return 0;
      }
      progress.finish();
      return report(c, result);
    } catch (IllegalArgumentException e) {
      progress.finish();
      System.err.println("error: " + e.getMessage());
      return 2;
    } catch (SetupFailed e) {
      if (c.isWorker()) {
        emit(out, FAILED + e.getMessage());
      } else {
        progress.finish();
        System.err.println("setup failed: " + e.getMessage());
      }
      return 1;
    } finally {
      if (progressTimer >= 0) {
        vertx.cancelTimer(progressTimer);
      }
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** Prints the table, writes the JSON; exit code 1 when nothing could be measured. */
  static int report(CommonOptions c, Result result) throws IOException {
    JsonObject json = result.toJson();
    System.out.print(ResultTable.render(json));
    if (c.json != null) {
      Files.writeString(c.json, json.encodePrettily() + "\n");
    }
    boolean nothing = result.connections != null && result.connections == 0;
    return nothing ? 1 : 0;
  }

  /** CPU of load generator and broker over the result's measured window (the whole run when it has none). */
  static void readCpu(CpuSampler cpu, Result result, long runStarted) {
    long from = result.windowStartNanos != null ? result.windowStartNanos : runStarted;
    long to = result.windowEndNanos != null ? result.windowEndNanos : System.nanoTime();
    result.cpuSecondsLoadgen = cpu.loadgenSeconds(from, to);
    result.cpuSecondsBroker = cpu.brokerSeconds(from, to);
  }

  static long setupBoundSeconds(CommonOptions c) {
    return 120 + (long) (1_000_000 / Math.max(1, c.connectRate));
  }

  private static void emit(PrintStream out, String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  private static void awaitGo(double seconds) throws IOException, SetupFailed {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    long until = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < until) {
      String line = in.readLine();
      if (line == null) {
        throw new SetupFailed("coordinator went away");
      }
      if (line.trim().equals(GO)) {
        return;
      }
    }
    throw new SetupFailed("no go from the coordinator");
  }

  /** Setup did not complete: the run is not measured. */
  static final class SetupFailed extends Exception {
    SetupFailed(String message) {
      super(message);
    }
  }

  /** Measures the broker's memory before and after the connections are opened (connect). */
  static final class BrokerProbe {
    private final LocalProcess broker;
    private Long rssBefore;
    private Long heapBefore;
    private Long rssAfter;
    private Long heapAfter;

    BrokerProbe(LocalProcess broker) {
      this.broker = broker;
    }

    void before() {
      heapBefore = broker.isJvm() ? broker.liveHeapBytes() : null;
      rssBefore = broker.rssBytes();
    }

    void afterSetup() {
      heapAfter = broker.isJvm() ? broker.liveHeapBytes() : null;
      rssAfter = broker.rssBytes();
    }

    void afterRun(Result r) {
      r.brokerRssBefore = rssBefore;
      r.brokerRssAfter = rssAfter;
      r.brokerHeapBefore = heapBefore;
      r.brokerHeapAfter = heapAfter;
      r.computeMemoryPerConnection();
    }
  }
}
