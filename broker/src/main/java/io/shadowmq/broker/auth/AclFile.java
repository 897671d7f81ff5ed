package io.shadowmq.broker.auth;

import io.shadowmq.broker.metrics.BrokerMetrics;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operator's rule file ({@code --acl-file}): read at start (a bad file stops the start), then
 * checked every {@link #CHECK_MILLIS} ms without blocking a loop; a changed file replaces the rules
 * whole. A changed file with a mistake is logged and the rules in force stay.
 */
public final class AclFile implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AclFile.class);
  static final long CHECK_MILLIS = 2000;

  private final Vertx vertx;
  private final Path path;
  private final Authorizer authorizer;
  private final BrokerMetrics metrics;
  private final long timer;
  private String loaded;
  private boolean checking;

  private AclFile(Vertx vertx, Path path, Authorizer authorizer, BrokerMetrics metrics, String text) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.path = path;
    this.authorizer = authorizer;
    this.loaded = text;
    this.timer = vertx.setPeriodic(CHECK_MILLIS, id -> check());
  }

  /** Reads the file (blocking: call it at start-up), puts its rules in force and watches it. */
  public static AclFile watch(Vertx vertx, Path path, Authorizer authorizer, BrokerMetrics metrics) throws IOException {
    String text = Files.readString(path, StandardCharsets.UTF_8);
    AclRules rules = AclRules.parse(text, path.toString());
    authorizer.rules(rules);
    LOG.info("access rules: {} rules from {}", rules.size(), path.toAbsolutePath());
    return new AclFile(vertx, path, authorizer, metrics, text);
  }

  private void check() {
    if (checking) {
      return;
    }
    checking = true;
    // The content decides, not the time stamp: editors and Kubernetes config maps replace files in ways
    // that keep or reset modification times; the file is small.
    vertx.fileSystem().readFile(path.toString())
        .onComplete(ar -> {
          checking = false;
          if (ar.failed()) {
            LOG.warn("cannot read the access rule file {}: {}; the rules in force stay", path, ar.cause().toString());
            return;
          }
          String text = ar.result().toString(StandardCharsets.UTF_8);
          if (text.equals(loaded)) {
            return;
          }
          loaded = text;
          try {
            AclRules rules = AclRules.parse(text, path.toString());
            authorizer.rules(rules);
            metrics.aclReload(true);
            LOG.info("access rules reloaded: {} rules from {}", rules.size(), path.toAbsolutePath());
          } catch (IllegalArgumentException e) {
            metrics.aclReload(false);
            LOG.error("access rule file changed but is not valid, the rules in force stay: {}", e.getMessage());
          }
        });
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
  }
}
