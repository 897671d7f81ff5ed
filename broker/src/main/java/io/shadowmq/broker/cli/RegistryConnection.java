package io.shadowmq.broker.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shadowmq.shadow.store.Storage;
import io.vertx.core.Vertx;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Where a {@code device} command finds the registry: the embedded PostgreSQL of a data directory
 * (started for the command, and refused while a broker runs on it) or an external PostgreSQL.
 */
final class RegistryConnection {
  @Option(names = "--data-dir", defaultValue = "data", paramLabel = "DIR",
      description = "The broker's data directory (the broker must be stopped). Default: ${DEFAULT-VALUE}. "
          + "Env: SHADOWMQ_DATA_DIR.")
  Path dataDir;

  @Option(names = "--pg-url", paramLabel = "URL",
      description = "External PostgreSQL instead of the data directory's embedded one. Env: SHADOWMQ_PG_URL.")
  String pgUrl;

  /** Something to do with the open storage. */
  interface Work<T> {
    T run(Storage storage) throws Exception;
  }

  /** Opens the storage (migrating its schema), runs the work, closes everything. */
  <T> T with(Work<T> work) throws Exception {
    // The command's output is its answer: keep the storage's start-up lines out of it.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Vertx vertx = Vertx.vertx();
    try {
      Storage storage = Storage.start(vertx, new Storage.Options(pgUrl, dataDir, 2, 100, 1000, 1), new SimpleMeterRegistry());
      try {
        return work.run(storage);
      } finally {
        storage.close();
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
