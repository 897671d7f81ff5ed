package io.shadowmq.loadtest;

import io.shadowmq.loadtest.metrics.CpuSampler;
import io.shadowmq.loadtest.metrics.LocalProcess;
import io.shadowmq.loadtest.metrics.Progress;
import io.shadowmq.loadtest.metrics.Result;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a scenario in K worker JVMs, each with its share of the clients: starts them together
 * once all are set up, shows their summed progress, and merges their results.
 */
final class WorkerPool {
  /** Options only the coordinator acts on; workers get the rest of the command line. */
  private static final Set<String> COORDINATOR_ONLY = Set.of("--workers", "--json", "--broker-pid", "--broker-name");

  private final CommonOptions c;
  private final String scenario;
  private final double runBoundSeconds;
  private final List<String> args;

  WorkerPool(CommonOptions c, String scenario, double runBoundSeconds, List<String> args) {
    this.c = c;
    this.scenario = scenario;
    this.runBoundSeconds = runBoundSeconds;
    this.args = args;
  }

  /** The command line of worker {@code index}. */
  static List<String> workerCommand(List<String> args, String scenario, int index, int count, String runId) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(LoadTest.class.getName());
    cmd.add(scenario);
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (COORDINATOR_ONLY.contains(name)) {
        if (!a.contains("=")) {
          i++;
        }
        continue;
      }
      cmd.add(a);
    }
    cmd.addAll(List.of("--worker-index", Integer.toString(index), "--worker-count", Integer.toString(count),
        "--run-id", runId));
    return cmd;
  }

  int run() throws Exception {
    int k = c.workers;
    LocalProcess broker = c.brokerPid == null ? null : new LocalProcess(c.brokerPid);
    Runner.BrokerProbe probe = broker == null || !scenario.equals("connect") ? null : new Runner.BrokerProbe(broker);
    if (probe != null) {
      probe.before();
    }
    List<Worker> workers = new ArrayList<>();
    Progress progress = new Progress(System.err, System.console() != null);
    CpuSampler cpu = null;
    long started = System.nanoTime();
    try {
      for (int i = 0; i < k; i++) {
        workers.add(new Worker(i, workerCommand(args, scenario, i, k, c.runId())));
      }
      cpu = new CpuSampler(workers.stream().map(w -> new LocalProcess(w.process.pid())).toList(), broker);
      long setupUntil = System.nanoTime() + Runner.setupBoundSeconds(c) * 1_000_000_000L;
      for (Worker w : workers) {
        if (!w.ready.await(Math.max(1, setupUntil - System.nanoTime()), TimeUnit.NANOSECONDS) || w.failure != null) {
          progress.finish();
          System.err.println("setup failed in worker " + w.index + ": "
              + (w.failure != null ? w.failure : "not ready in time"));
          return 1;
        }
      }
      if (probe != null) {
        probe.afterSetup();
      }
      for (Worker w : workers) {
        w.go();
      }
      long runUntil = System.nanoTime() + (long) ((runBoundSeconds + 180) * 1e9);
      for (Worker w : workers) {
        while (!w.done.await(1, TimeUnit.SECONDS)) {
          progress.show(Progress.sum(workers.stream().map(x -> x.lastSample).toList()));
          if (System.nanoTime() > runUntil) {
            System.err.println("worker " + w.index + " did not finish in time");
            return 1;
          }
        }
      }
      progress.finish();
      List<Result> parts = new ArrayList<>();
      for (Worker w : workers) {
        if (w.result == null) {
          System.err.println("worker " + w.index + " failed: " + w.failure);
          return 1;
        }
        parts.add(w.result);
      }
      Result merged = Result.merge(parts);
      merged.broker = c.brokerLabel();
      cpu.close();
      Runner.readCpu(cpu, merged, started);
      if (probe != null) {
        probe.afterRun(merged);
      }
      return Runner.report(c, merged);
    } finally {
      if (cpu != null) {
        cpu.close();
      }
      for (Worker w : workers) {
        w.stop();
      }
    }
  }

  /** One worker process and what it reported. */
  private static final class Worker {
    final int index;
    final Process process;
    final CountDownLatch ready = new CountDownLatch(1);
    final CountDownLatch done = new CountDownLatch(1);
    volatile JsonObject lastSample = new JsonObject();
    volatile Result result;
    volatile String failure;

    Worker(int index, List<String> command) throws IOException {
      this.index = index;
      this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      Thread reader = new Thread(this::read, "worker-" + index + "-reader");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.equals(Runner.READY)) {
            ready.countDown();
          } else if (line.startsWith(Runner.PROGRESS)) {
            lastSample = new JsonObject(line.substring(Runner.PROGRESS.length()));
          } else if (line.startsWith(Runner.RESULT)) {
            result = Result.fromJson(new JsonObject(line.substring(Runner.RESULT.length())));
          } else if (line.startsWith(Runner.FAILED)) {
            failure = line.substring(Runner.FAILED.length());
            ready.countDown();
          } else {
            System.err.println("worker " + index + ": " + line);
          }
        }
      } catch (IOException | RuntimeException e) {
        failure = "lost its output: " + e.getMessage();
      } finally {
        if (result == null && failure == null) {
          failure = "ended without a result";
        }
        ready.countDown();
        done.countDown();
      }
    }

    void go() throws IOException {
      OutputStream o = process.getOutputStream();
      o.write((Runner.GO + "\n").getBytes(StandardCharsets.UTF_8));
      o.flush();
    }

    void stop() throws InterruptedException {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }
}
