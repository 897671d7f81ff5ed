package io.shadowmq.broker;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shadowmq.broker.config.BrokerConfig;
import io.shadowmq.broker.config.EnvironmentDefaults;
import io.shadowmq.broker.transport.MqttListener;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sun.misc.Signal;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** The {@code shadowmq} executable: starts a broker node and runs until SIGTERM or SIGINT. */
@Command(name = "shadowmq", mixinStandardHelpOptions = true, versionProvider = ShadowMq.Version.class,
    sortOptions = false,
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
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BrokerNode node = BrokerNode.start(config, registry);
    AtomicBoolean closed = new AtomicBoolean();
    Runnable shutdown = () -> {
      if (closed.compareAndSet(false, true)) {
        node.close();
      }
    };
    // Other ways the JVM may go down still shut the node down gracefully.
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "shadowmq-shutdown"));
    CountDownLatch stopRequested = new CountDownLatch(1);
    // On SIGTERM/SIGINT the JVM's own handling exits with 128+signal (143 for SIGTERM), which service
    // managers and Kubernetes report as a failure: take the signals here and exit 0 after a clean stop.
    for (String signal : List.of("TERM", "INT")) {
      try {
        Signal.handle(new Signal(signal), s -> stopRequested.countDown());
      } catch (IllegalArgumentException e) {
        LoggerFactory.getLogger(ShadowMq.class).debug("cannot handle SIG{} here: {}", signal, e.getMessage());
      }
    }
    for (MqttListener l : node.listeners()) {
      String name = l.kindLabel().equals("ws") ? "mqtt-ws" : "mqtt";
      System.out.println("listening listener=" + name + " host=" + node.host() + " port=" + l.port());
    }
    System.out.flush();
    stopRequested.await();
    shutdown.run();
    return 0;
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
