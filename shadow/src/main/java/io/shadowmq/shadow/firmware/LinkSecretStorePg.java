package io.shadowmq.shadow.firmware;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The download link keys in PostgreSQL, table {@code download_link_secret}: shared by every node,
 * created on first use, rotated on request. The newest two are the {@link LinkSecrets}.
 */
public final class LinkSecretStorePg {
  private static final int SECRET_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;

  public LinkSecretStorePg(Pool pool) {
    this.pool = pool;
  }

  /** The current keys; creates the first one when there is none. */
  public Future<LinkSecrets> load() {
    // The table lock makes "is there none? then create one" a single step across nodes.
    return pool.withTransaction(conn -> conn.query("LOCK TABLE download_link_secret IN SHARE ROW EXCLUSIVE MODE")
            .execute()
            .compose(locked -> conn.preparedQuery("INSERT INTO download_link_secret (secret) SELECT $1 "
                + "WHERE NOT EXISTS (SELECT 1 FROM download_link_secret)").execute(Tuple.of(newSecret()))))
        .compose(v -> newestTwo());
  }

  /** The current keys as stored (after {@link #load} made the first), read without taking a lock. */
  public Future<LinkSecrets> current() {
    return newestTwo();
  }

  /** Makes a new key the current one; the one before stays accepted until the next rotation. */
  public Future<LinkSecrets> rotate() {
    return pool.preparedQuery("INSERT INTO download_link_secret (secret) VALUES ($1)").execute(Tuple.of(newSecret()))
        .compose(v -> pool.query("DELETE FROM download_link_secret WHERE id NOT IN "
            + "(SELECT id FROM download_link_secret ORDER BY id DESC LIMIT 2)").execute())
        .compose(v -> newestTwo());
  }

  private Future<LinkSecrets> newestTwo() {
    return pool.query("SELECT secret FROM download_link_secret ORDER BY id DESC LIMIT 2").execute().map(rows -> {
      List<byte[]> secrets = new ArrayList<>(2);
      for (Row r : rows) {
        secrets.add(r.getBuffer(0).getBytes());
      }
      return new LinkSecrets(secrets.get(0), secrets.size() > 1 ? secrets.get(1) : null);
    });
  }

  private static Buffer newSecret() {
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    return Buffer.buffer(secret);
  }
}
