package io.shadowmq.loadtest;

import io.shadowmq.loadtest.metrics.ResultTable;
import io.shadowmq.loadtest.scenario.ConnectScenario;
import io.shadowmq.loadtest.scenario.FleetScenario;
import io.shadowmq.loadtest.scenario.PubSubScenario;
import io.shadowmq.loadtest.scenario.ShadowScenario;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** The {@code shadowmq-loadtest} executable: fleet simulator and benchmark client for any MQTT broker. */
@Command(name = "shadowmq-loadtest", mixinStandardHelpOptions = true, version = "shadowmq-loadtest 0.1",
    description = "Fleet simulator and benchmark client for MQTT brokers. Every run is bounded and stops by itself.",
    subcommands = {LoadTest.Connect.class, LoadTest.PubSub.class, LoadTest.Shadow.class, LoadTest.Fleet.class,
        LoadTest.Report.class})
public final class LoadTest {
  private static List<String> scenarioArgs = List.of();

  public static void main(String[] args) {
    // The Vert.x MQTT client logs every connection at info; the tool reports connections itself.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.io.vertx.mqtt", "off");
    scenarioArgs = args.length > 0 ? Arrays.asList(args).subList(1, args.length) : List.of();
    System.exit(execute(args));
  }

  /** Runs a command line in this process and returns its exit code (tests call this). */
  public static int execute(String... args) {
    scenarioArgs = args.length > 0 ? new ArrayList<>(Arrays.asList(args).subList(1, args.length)) : List.of();
    return new CommandLine(new LoadTest()).execute(args);
  }

  @Command(name = "connect", mixinStandardHelpOptions = true,
      description = "Ramp N connections at a rate, hold them idle, report connect rate, failures and broker memory.")
  static final class Connect implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--clients", required = true, paramLabel = "N")
    long clients;

    @Option(names = "--rate", defaultValue = "1000", paramLabel = "PER_SECOND",
        description = "Connections per second during the ramp. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--hold", defaultValue = "10", paramLabel = "SECONDS",
        description = "How long to hold the connections idle. Default: ${DEFAULT-VALUE}.")
    double hold;

    @Override
    public Integer call() throws Exception {
      common.connectRate = rate;
      if (common.duration == 10 && hold > 10) {
        common.duration = hold;
      }
      return Runner.run(common, "connect", clients / Math.max(1, rate) + hold + 60,
          env -> new ConnectScenario(env, clients, hold), scenarioArgs);
    }
  }

  @Command(name = "pubsub", mixinStandardHelpOptions = true,
      description = "Publishers and subscribers on a topic pattern; counts losses, duplicates, reordering, latency.")
  static final class PubSub implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--pattern", defaultValue = "fanin", paramLabel = "fanin|fanout|p2p|shared",
        description = "fanin: publishers to wildcard subscriber(s); shared: to a $share group; p2p: pairs; "
            + "fanout: one topic to all subscribers. Default: ${DEFAULT-VALUE}.")
    String pattern;

    @Option(names = "--publishers", defaultValue = "1", paramLabel = "P")
    int publishers;

    @Option(names = "--subscribers", defaultValue = "1", paramLabel = "S")
    int subscribers;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "PER_SECOND",
        description = "Total publish rate over all publishers; 0 for as fast as the broker takes. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "SECONDS",
        description = "Publish this long before measuring (warms up both sides); not counted. Default: ${DEFAULT-VALUE}.")
    double warmup;

    @Option(names = "--drain", defaultValue = "10", paramLabel = "SECONDS",
        description = "Longest wait for messages still on their way after publishing stops. Default: ${DEFAULT-VALUE}.")
    double drain;

    @Override
    public Integer call() throws Exception {
      PubSubScenario.Pattern p = PubSubScenario.Pattern.parse(pattern);
      return Runner.run(common, "pubsub", bound(common) + warmup + drain,
          env -> new PubSubScenario(env, p, publishers, subscribers, rate, warmup, drain), scenarioArgs);
    }
  }

  @Command(name = "shadow", mixinStandardHelpOptions = true,
      description = "Devices update their AWS IoT style shadow; measures update->accepted and desired->delta latency. "
          + "Skips itself on brokers without shadows.")
  static final class Shadow implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--devices", defaultValue = "100", paramLabel = "N")
    int devices;

    @Option(names = "--rate", defaultValue = "100", paramLabel = "PER_SECOND",
        description = "Shadow updates per second over all devices. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--desired-share", defaultValue = "0.1",
        description = "Desired-state changes by the application client, per device update. Default: ${DEFAULT-VALUE}.")
    double desiredShare;

    @Option(names = "--probe-timeout", defaultValue = "3", paramLabel = "SECONDS",
        description = "How long to wait for a first accepted/rejected before deciding the broker has no shadows. "
            + "Default: ${DEFAULT-VALUE}.")
    double probeTimeout;

    @Option(names = "--warmup", defaultValue = "5", paramLabel = "SECONDS",
        description = "Update at the target rate this long before measuring (warms up both sides and touches "
            + "every device's shadow once); not counted. Default: ${DEFAULT-VALUE}.")
    double warmup;

    @Override
    public Integer call() throws Exception {
      return Runner.run(common, "shadow", bound(common) + probeTimeout + warmup + 10,
          env -> new ShadowScenario(env, devices, rate, desiredShare, probeTimeout, warmup), scenarioArgs);
    }
  }

  @Command(name = "fleet", mixinStandardHelpOptions = true,
      description = "Devices with persistent sessions report state and follow firmware instructions in their "
          + "desired shadow state (download, verify sha256, apply, report).")
  static final class Fleet implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--devices", defaultValue = "100", paramLabel = "N")
    int devices;

    @Option(names = "--fail-share", defaultValue = "0", paramLabel = "FRACTION",
        description = "Share of firmware updates that fail on purpose (downloadFailed or applyFailed). "
            + "Default: ${DEFAULT-VALUE}.")
    double failShare;

    @Option(names = "--report-interval", defaultValue = "30", paramLabel = "SECONDS",
        description = "How often each device reports its state. Default: ${DEFAULT-VALUE}.")
    double reportInterval;

    @Option(names = "--apply-time", defaultValue = "0.5", paramLabel = "SECONDS",
        description = "Simulated time to apply a firmware image. Default: ${DEFAULT-VALUE}.")
    double applyTime;

    @Option(names = "--layout", defaultValue = "aws", paramLabel = "aws|state",
        description = "Where devices send reports: $aws/things/{thing}/shadow/update or state/{thing}/update. "
            + "Default: ${DEFAULT-VALUE}.")
    String layout;

    @Option(names = "--firmware", defaultValue = "1.0.0", paramLabel = "VERSION",
        description = "Firmware version the devices start with. Default: ${DEFAULT-VALUE}.")
    String firmware;

    @Override
    public Integer call() throws Exception {
      common.persistent = true;
      FleetScenario.Settings s = new FleetScenario.Settings(devices, failShare, reportInterval, applyTime,
          layout.equals("state"), firmware);
      return Runner.run(common, "fleet", bound(common) + 30, env -> new FleetScenario(env, s), scenarioArgs);
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true,
      description = "Print result files (--json) as one table; with two files, also the second divided by the first.")
  static final class Report implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
      List<JsonObject> results = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (Path f : files) {
        JsonObject j = new JsonObject(Files.readString(f));
        results.add(j);
        names.add(j.getString("broker", f.getFileName().toString()));
      }
      System.out.print(ResultTable.render(names, results));
      return 0;
    }
  }

  private static double bound(CommonOptions c) {
    return c.duration > 0 ? c.duration : 3600;
  }
}
