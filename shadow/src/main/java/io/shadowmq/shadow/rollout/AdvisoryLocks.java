package io.shadowmq.shadow.rollout;

import io.shadowmq.shadow.store.PostgresConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL session advisory locks, one per rollout, on a connection of their own: the node that
 * holds a rollout's lock is the one whose engine drives it. If the connection drops, every lock is
 * gone; {@link #healthy} turns false and the engines stop until a new connection takes them again.
 */
final class AdvisoryLocks {
  private static final Logger LOG = LoggerFactory.getLogger(AdvisoryLocks.class);
  private final Vertx vertx;
  private final PostgresConfig config;
  private PgConnection connection;
  private Future<PgConnection> connecting;

  AdvisoryLocks(Vertx vertx, PostgresConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** Takes the rollout's lock if nobody holds it; true when this node holds it now. */
  Future<Boolean> tryLock(String rolloutId) {
    return connection().compose(c -> c.preparedQuery("SELECT pg_try_advisory_lock(hashtextextended($1, 0))")
        .execute(Tuple.of("rollout:" + rolloutId)).map(rows -> rows.iterator().next().getBoolean(0)));
  }

  Future<Void> unlock(String rolloutId) {
    if (connection == null) {
      return Future.succeededFuture();
    }
    return connection.preparedQuery("SELECT pg_advisory_unlock(hashtextextended($1, 0))")
        .execute(Tuple.of("rollout:" + rolloutId)).mapEmpty();
  }

  boolean healthy() {
    return connection != null;
  }

  private Future<PgConnection> connection() {
    if (connection != null) {
      return Future.succeededFuture(connection);
    }
    if (connecting == null) {
      connecting = PgConnection.connect(vertx, config.connectOptions()).andThen(ar -> {
        connecting = null;
        if (ar.succeeded()) {
          connection = ar.result();
          connection.closeHandler(v -> {
            LOG.warn("the rollout lock connection to PostgreSQL closed: rollouts pause until it is back");
            connection = null;
          });
        }
      });
    }
    return connecting;
  }

  Future<Void> close() {
    PgConnection c = connection;
    connection = null;
    return c == null ? Future.succeededFuture() : c.close();
  }
}
