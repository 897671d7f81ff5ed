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
 * gone: the owner is told ({@code onLost}) and stops its engines, and the next claim takes the locks
 * again on a new connection, unless another node took them meanwhile.
 */
final class AdvisoryLocks {
  private static final Logger LOG = LoggerFactory.getLogger(AdvisoryLocks.class);
  private final Vertx vertx;
  private final PostgresConfig config;
  private final Runnable onLost;
  private PgConnection connection;
  private Future<PgConnection> connecting;
  /** How many times the connection, and with it every lock, was lost. */
  private int losses;

  /** @param onLost called when the connection, and with it every lock, is lost (not on {@link #close}) */
  AdvisoryLocks(Vertx vertx, PostgresConfig config, Runnable onLost) {
    this.vertx = vertx;
    this.config = config;
    this.onLost = onLost;
  }

  /** Takes the rollout's lock if nobody holds it; true when this node holds it now. */
  Future<Boolean> tryLock(String rolloutId) {
    return connection().compose(c -> c.preparedQuery("SELECT pg_try_advisory_lock(hashtextextended($1, 0))")
        .execute(Tuple.of("rollout:" + rolloutId)).map(rows -> rows.iterator().next().getBoolean(0)));
  }

  /**
   * Changes whenever the locks are lost: a lock taken when this read {@code n} is still held as long
   * as it reads {@code n}. Read on the context the locks are used from.
   */
  int losses() {
    return losses;
  }

  Future<Void> unlock(String rolloutId) {
    if (connection == null) {
      return Future.succeededFuture();
    }
    return connection.preparedQuery("SELECT pg_advisory_unlock(hashtextextended($1, 0))")
        .execute(Tuple.of("rollout:" + rolloutId)).mapEmpty();
  }

  private Future<PgConnection> connection() {
    if (connection != null) {
      return Future.succeededFuture(connection);
    }
    if (connecting == null) {
      connecting = PgConnection.connect(vertx, config.connectOptions()).andThen(ar -> {
        connecting = null;
        if (ar.succeeded()) {
          PgConnection opened = ar.result();
          connection = opened;
          opened.closeHandler(v -> {
            if (connection != opened) {
              return; // closed on purpose
            }
            LOG.warn("the rollout lock connection to PostgreSQL closed: this node's rollout engines stop "
                + "until it takes their locks again");
            connection = null;
            losses++;
            onLost.run();
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
