package io.shadowmq.shadow.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.vertx.pgclient.SslMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The embedded default: a PostgreSQL server started from the binaries on Maven Central, with its
 * data in {@code <data-dir>/postgres} (kept across restarts), listening on a free loopback port.
 * One process at a time may run it: the server holds a lock on {@code postgres.lock} beside its
 * data, so a second broker, or a {@code device} command while a broker runs, is refused.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;
  private final FileChannel lockFile;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory, FileChannel lockFile) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
    this.lockFile = lockFile;
  }

  /** Thrown when another process runs PostgreSQL on the data directory. */
  public static final class DataDirectoryInUseException extends IOException {
    DataDirectoryInUseException(Path dir) {
      super("the data directory " + dir.toAbsolutePath() + " is in use by another ShadowMQ process (a running "
          + "broker or device command): stop it first");
    }
  }

  /** Takes the data directory's lock; the operating system releases it if the process dies. */
  private static FileChannel lock(Path dataDirectory) throws IOException {
    Path file = dataDirectory.resolveSibling(dataDirectory.getFileName() + ".lock");
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      if (channel.tryLock() == null) {
        channel.close();
        throw new DataDirectoryInUseException(dataDirectory.getParent());
      }
    } catch (OverlappingFileLockException e) {
      channel.close(); // held by this very process
      throw new DataDirectoryInUseException(dataDirectory.getParent());
    }
    return channel;
  }

  /** Starts PostgreSQL on the data directory, creating the cluster on first start, on a free port. */
  public static EmbeddedPostgresServer start(Path dataDirectory) throws IOException {
    return start(dataDirectory, 0);
  }

  /** Starts PostgreSQL on the data directory and the given loopback port (0: a free one). */
  public static EmbeddedPostgresServer start(Path dataDirectory, int port) throws IOException {
    Files.createDirectories(dataDirectory);
    FileChannel lock = lock(dataDirectory);
    try {
      return start(dataDirectory, port, lock);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static EmbeddedPostgresServer start(Path dataDirectory, int port, FileChannel lock) throws IOException {
    // Holding the lock, a PostgreSQL still running on this data is an orphan of a killed process.
    stopOrphan(dataDirectory);
    boolean fresh = !Files.exists(dataDirectory.resolve("postgresql.conf"));
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setPort(port > 0 ? port : freePort())
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "100")
        .setServerConfig("unix_socket_directories", "")
        .start();
    LOG.info("embedded PostgreSQL {} on 127.0.0.1:{}, data in {}", fresh ? "created and started" : "started",
        pg.getPort(), dataDirectory.toAbsolutePath());
    return new EmbeddedPostgresServer(pg, dataDirectory, lock);
  }

  /**
   * A broker killed with SIGKILL leaves its PostgreSQL running on the data directory. Stop that
   * server (a fast shutdown; its data is consistent) before starting a new one on the same data.
   */
  private static void stopOrphan(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    } catch (RuntimeException e) {
      return; // not a pid file we can read: PostgreSQL itself will judge it
    }
    var process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
    if (process.isEmpty()) {
      return;
    }
    LOG.warn("PostgreSQL (pid {}) of an earlier run is still running on {}: stopping it", pid, dataDirectory);
    ProcessHandle postmaster = process.get();
    try {
      // SIGINT is PostgreSQL's fast shutdown; ProcessHandle can only send SIGTERM, so use kill(1).
      new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
      postmaster.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("could not stop the PostgreSQL (pid " + pid + ") left running on " + dataDirectory, e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public int port() {
    return postgres.getPort();
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /** How to reach it: database postgres, user postgres, no password, loopback only. */
  public PostgresConfig config() {
    return new PostgresConfig("127.0.0.1", port(), "postgres", "postgres", "", SslMode.DISABLE);
  }

  /** Stops the server with a fast shutdown (pending transactions roll back, data is consistent). */
  @Override
  public void close() throws IOException {
    try {
      postgres.close();
      LOG.info("embedded PostgreSQL stopped");
    } finally {
      lockFile.close();
    }
  }
}
