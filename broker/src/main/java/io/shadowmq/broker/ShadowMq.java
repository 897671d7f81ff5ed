package io.shadowmq.broker;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shadowmq.broker.cli.DeviceCommand;
import io.shadowmq.broker.config.BrokerConfig;
import io.shadowmq.broker.config.EnvironmentDefaults;
import io.shadowmq.broker.transport.MqttListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code shadowmq} executable: starts a broker node and runs until SIGTERM or SIGINT; its
 * {@code device} command provisions devices.
 */
@Command(name = "shadowmq", mixinStandardHelpOptions = true, versionProvider = ShadowMq.Version.class,
    sortOptions = false, subcommands = DeviceCommand.class,
    description = "MQTT broker for device fleets, with device shadows and firmware rollouts built in.",
    footer = {"", "Every option can also be set by an environment variable: SHADOWMQ_ and the option's name in "
        + "upper case with '_' for '-' (--mqtt-port is SHADOWMQ_MQTT_PORT). A flag wins over its variable.",
        "On start, one line per listener is printed to standard output:",
        "  listening listener=mqtt host=127.0.0.1 port=1883"})
public final class ShadowMq implements Callable<Integer> {
  @Mixin
  BrokerConfig config;

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new ShadowMq());
    cli.setDefaultValueProvider(new EnvironmentDefaults(System.getenv()));
    System.exit(cli.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", config.logLevel);
    keepHeapCloseToLiveData();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AtomicReference<BrokerNode> started = new AtomicReference<>();
    Object startup = new Object();
    CountDownLatch stopped = new CountDownLatch(1);
    // Installed before anything starts: a SIGTERM during start-up waits for it, then stops what started
    // (above all the embedded PostgreSQL, which would otherwise outlive the JVM).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      BrokerNode running;
      synchronized (startup) {
        running = started.get();
      }
      if (running == null) {
        return; // start-up failed and cleaned up after itself; keep the exit status it set
      }
      running.close();
      stopped.countDown();
      System.out.flush();
      System.err.flush();
      // A graceful stop on SIGTERM/SIGINT is a success: exit 0, not the JVM's 128+signal.
      Runtime.getRuntime().halt(0);
    }, "shadowmq-shutdown"));
    BrokerNode node;
    synchronized (startup) {
      node = BrokerNode.start(config, registry);
      started.set(node);
    }
    for (MqttListener l : node.listeners()) {
      String name = switch (l.kind()) {
        case TCP -> "mqtt";
        case TLS -> "mqtts";
        case WEBSOCKET -> "mqtt-ws";
        case SECURE_WEBSOCKET -> "mqtt-wss";
      };
      System.out.println("listening listener=" + name + " host=" + node.host() + " port=" + l.port());
    }
    if (node.http() != null) {
      System.out.println("listening listener=" + (node.http().secure() ? "https" : "http") + " host=" + node.host()
          + " port=" + node.httpPort());
    }
    System.out.flush();
    stopped.await();
    return 0;
  }

  /**
   * A broker's memory is mostly many small long-lived connections; by default the JVM keeps up to 70 %
   * of the heap free after a collection, which doubles resident memory per connection. Unless the
   * operator chose otherwise on the command line, let the heap shrink towards the live data (both
   * flags are manageable at run time).
   */
  private static void keepHeapCloseToLiveData() {
    try {
      var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      if (hotspot.getVMOption("MaxHeapFreeRatio").getOrigin() == com.sun.management.VMOption.Origin.DEFAULT
          && hotspot.getVMOption("MinHeapFreeRatio").getOrigin() == com.sun.management.VMOption.Origin.DEFAULT) {
        hotspot.setVMOption("MinHeapFreeRatio", "10");
        hotspot.setVMOption("MaxHeapFreeRatio", "30");
      }
    } catch (RuntimeException e) {
      // Not HotSpot, or the flags are not manageable here: keep the JVM's defaults.
    }
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ShadowMq.class.getPackage().getImplementationVersion();
      return new String[] {"shadowmq " + (v == null ? "development build" : v)};
    }
  }
}
