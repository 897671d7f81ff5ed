package io.shadowmq.shadow.store;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.shadowmq.shadow.admin.AdminTokenStore;
import io.shadowmq.shadow.admin.AdminTokenStorePg;
import io.shadowmq.shadow.device.DeviceStore;
import io.shadowmq.shadow.device.DeviceStorePg;
import io.shadowmq.shadow.firmware.FirmwareReportsPg;
import io.shadowmq.shadow.firmware.LinkSecretStorePg;
import io.shadowmq.shadow.firmware.ReleaseStore;
import io.shadowmq.shadow.firmware.ReleaseStorePg;
import io.shadowmq.shadow.group.GroupStore;
import io.shadowmq.shadow.group.GroupStorePg;
import io.shadowmq.shadow.rollout.ExecutionStorePg;
import io.shadowmq.shadow.rollout.RolloutStorePg;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The node's storage: PostgreSQL (embedded in the data directory, or external), its schema brought
 * up to date, one shared connection pool, and the stores on it (retained messages, sessions,
 * shadows, the device registry, device groups, admin tokens, firmware releases and download link keys). Reconnects by itself after an outage.
 */
public final class Storage implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Storage.class);
  /** Shadow saves in one statement at most: a few hundred KB of JSON, still one quick round trip. */
  private static final int SHADOW_BATCH = 1000;

  /**
   * @param pgUrl            external PostgreSQL, or null for the embedded one in {@code dataDir/postgres}
   * @param poolSize         connections in the pool
   * @param writeBehindMillis longest a retained message or session change waits before it is written
   * @param queueCapacity    changes kept per store while PostgreSQL is slow or down
   * @param artifactUploads  firmware uploads at once: each holds a connection of the artifact pool
   *                         for its whole transaction
   */
  public record Options(String pgUrl, Path dataDir, int poolSize, long writeBehindMillis, int queueCapacity,
                        int artifactUploads) {
  }

  /**
   * Connections of the artifact pool beyond one per running upload: the chunk reads of downloads
   * share them. Artifact bytes move on a pool of their own so that a long upload or many downloads
   * never hold a connection that a shadow commit or a session write waits for.
   */
  private static final int ARTIFACT_READ_CONNECTIONS = 2;

  private final EmbeddedPostgresServer embedded;
  private final Pool pool;
  private final Pool artifactPool;
  private final RetainedMessageStorePg retained;
  private final SessionStorePg sessions;
  private final ShadowStorePg shadows;
  private final DeviceStorePg devices;
  private final AdminTokenStorePg adminTokens;
  private final GroupStorePg groups;
  private final ReleaseStorePg releases;
  private final LinkSecretStorePg linkSecrets;
  private final RolloutStorePg rollouts;
  private final ExecutionStorePg executions;
  private final FirmwareReportsPg firmwareReports;
  private final PostgresConfig config;
  private volatile boolean reachable = true;
  private final long probeTimer;
  private final Vertx vertx;

  private Storage(Vertx vertx, EmbeddedPostgresServer embedded, PostgresConfig config, Pool pool, Pool artifactPool,
                  Options options, MeterRegistry registry) {
    this.vertx = vertx;
    this.embedded = embedded;
    this.config = config;
    this.pool = pool;
    this.artifactPool = artifactPool;
    this.retained = new RetainedMessageStorePg(vertx, pool, options.queueCapacity(), options.writeBehindMillis(), registry);
    this.sessions = new SessionStorePg(vertx, pool, options.queueCapacity(), options.writeBehindMillis(), registry);
    this.shadows = new ShadowStorePg(vertx, pool, options.queueCapacity(), SHADOW_BATCH, registry);
    this.devices = new DeviceStorePg(pool);
    this.adminTokens = new AdminTokenStorePg(pool);
    this.groups = new GroupStorePg(pool);
    this.releases = new ReleaseStorePg(pool, artifactPool);
    this.linkSecrets = new LinkSecretStorePg(pool);
    this.rollouts = new RolloutStorePg(pool);
    this.executions = new ExecutionStorePg(vertx, pool, options.queueCapacity(), registry);
    this.firmwareReports = new FirmwareReportsPg(pool);
    Gauge.builder("shadowmq.storage.up", () -> isReady() ? 1 : 0)
        .description("1 while PostgreSQL answers and writes succeed").register(registry);
    this.probeTimer = vertx.setPeriodic(2000, id -> probe());
  }

  /** Starts (or connects to) PostgreSQL and applies migrations; blocking: call it from main before serving. */
  public static Storage start(Vertx vertx, Options options, MeterRegistry registry) throws Exception {
    EmbeddedPostgresServer embedded = null;
    PostgresConfig config;
    if (options.pgUrl() == null || options.pgUrl().isBlank()) {
      embedded = EmbeddedPostgresServer.start(options.dataDir().resolve("postgres"));
      config = embedded.config();
    } else {
      config = PostgresConfig.parse(options.pgUrl());
      LOG.info("using external PostgreSQL {}", config);
    }
    try {
      SchemaMigrations.migrate(config);
      Pool pool = pool(vertx, config, "shadowmq", options.poolSize());
      Pool artifactPool = pool(vertx, config, "shadowmq-artifacts", options.artifactUploads() + ARTIFACT_READ_CONNECTIONS);
      return new Storage(vertx, embedded, config, pool, artifactPool, options, registry);
    } catch (Exception e) {
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  private static Pool pool(Vertx vertx, PostgresConfig config, String name, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setShared(true).setName(name))
        .connectingTo(config.connectOptions())
        .using(vertx)
        .build();
  }

  private void probe() {
    pool.query("SELECT 1").execute().onComplete(ar -> {
      boolean up = ar.succeeded();
      if (up != reachable) {
        if (up) {
          LOG.info("PostgreSQL is reachable again");
        } else {
          LOG.error("PostgreSQL is unreachable: {}", ar.cause().toString());
        }
      }
      reachable = up;
    });
  }

  /** Ready: PostgreSQL answered the last probe and no store's writes are failing. */
  public boolean isReady() {
    return reachable && !retained.isFailing() && !sessions.isFailing();
  }

  public Pool pool() {
    return pool;
  }

  public RetainedMessageStore retained() {
    return retained;
  }

  public SessionStore sessions() {
    return sessions;
  }

  /** The device registry. */
  public DeviceStore devices() {
    return devices;
  }

  /** Device groups (tag selectors). */
  public GroupStore groups() {
    return groups;
  }

  /** Firmware releases and their artifacts' bytes. */
  public ReleaseStore releases() {
    return releases;
  }

  /** The keys of pre-signed download links. */
  public LinkSecretStorePg linkSecrets() {
    return linkSecrets;
  }

  /** Firmware rollouts. */
  public RolloutStorePg rollouts() {
    return rollouts;
  }

  /** Rollout executions (one device's part of a rollout). */
  public ExecutionStorePg executions() {
    return executions;
  }

  /** What devices report about their firmware, for compliance. */
  public FirmwareReportsPg firmwareReports() {
    return firmwareReports;
  }

  public AdminTokenStore adminTokens() {
    return adminTokens;
  }

  public ShadowStore shadows() {
    return shadows;
  }

  public PostgresConfig config() {
    return config;
  }

  /** Where the embedded server keeps its data, or null for an external server. */
  public Path embeddedDataDirectory() {
    return embedded == null ? null : embedded.dataDirectory();
  }

  /** Writes what is pending, closes the pool, stops the embedded server. */
  @Override
  public void close() {
    vertx.cancelTimer(probeTimer);
    try {
      Future.join(retained.drain(), sessions.drain()).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("not every pending change was written at shutdown: {}", e.toString());
    }
    try {
      Future.join(pool.close(), artifactPool.close()).await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("closing the PostgreSQL pools: {}", e.toString());
    }
    if (embedded != null) {
      try {
        embedded.close();
      } catch (Exception e) {
        LOG.warn("stopping the embedded PostgreSQL: {}", e.toString());
      }
    }
  }
}
