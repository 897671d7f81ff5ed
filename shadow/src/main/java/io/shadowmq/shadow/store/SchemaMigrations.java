package io.shadowmq.shadow.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the database schema to the version this build knows, with Flyway and the versioned SQL
 * files under {@code db/migration}. Flyway keeps the applied versions in a table of the database,
 * checks the checksums of the applied files, and runs each new file in a transaction. A database
 * whose schema is newer than this build (written by a later ShadowMQ) is refused.
 */
public final class SchemaMigrations {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);

  private SchemaMigrations() {
  }

  /** Thrown when the database was migrated by a newer ShadowMQ than this one. */
  public static final class SchemaTooNewException extends IllegalStateException {
    public SchemaTooNewException(String message) {
      super(message);
    }
  }

  /** Applies the pending migrations; blocking (JDBC), so call it before the event loops serve. */
  public static int migrate(PostgresConfig config) {
    Flyway flyway = Flyway.configure()
        .dataSource(config.jdbcUrl(), config.user(), config.password())
        .locations("classpath:db/migration")
        .table("shadowmq_schema_history")
        .load();
    MigrationInfo[] applied = flyway.info().applied();
    MigrationInfo[] known = flyway.info().all();
    String newestKnown = null;
    for (MigrationInfo m : known) {
      if (m.getScript() != null && m.getVersion() != null && m.getState().isResolved()) {
        newestKnown = m.getVersion().getVersion();
      }
    }
    for (MigrationInfo m : applied) {
      if (!m.getState().isResolved()) {
        throw new SchemaTooNewException("the database schema is at version " + m.getVersion()
            + ", newer than this ShadowMQ knows (" + newestKnown + "): it was written by a later release. "
            + "Run that release, or restore a backup taken before the upgrade.");
      }
    }
    MigrateResult result = flyway.migrate();
    LOG.info("database schema at version {} ({} migrations applied now)", result.targetSchemaVersion == null
        ? result.initialSchemaVersion : result.targetSchemaVersion, result.migrationsExecuted);
    return result.migrationsExecuted;
  }
}
