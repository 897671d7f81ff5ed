package io.shadowmq.shadow.admin;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/** Admin API tokens in PostgreSQL, table {@code admin_token}. */
public final class AdminTokenStorePg implements AdminTokenStore {
  private static final String INSERT = "INSERT INTO admin_token (id, token_hash, role, name, created_at) "
      + "VALUES ($1, $2, $3, $4, now()) ON CONFLICT (token_hash) DO NOTHING";

  private final Pool pool;

  public AdminTokenStorePg(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Boolean> add(AdminToken token, String tokenHash) {
    return pool.preparedQuery(INSERT).execute(params(token, tokenHash)).map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Boolean> addIfNoneExists(AdminToken token, String tokenHash) {
    // The table lock makes "is it empty? then insert" one step, even with several nodes starting at once.
    return pool.withTransaction(conn -> conn.query("LOCK TABLE admin_token IN SHARE ROW EXCLUSIVE MODE").execute()
        .compose(locked -> conn.query("SELECT 1 FROM admin_token LIMIT 1").execute())
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(false)
            : conn.preparedQuery(INSERT).execute(params(token, tokenHash)).map(inserted -> inserted.rowCount() > 0)));
  }

  @Override
  public Future<AdminToken> findByHash(String tokenHash) {
    return pool.preparedQuery("SELECT id, role, name, created_at FROM admin_token WHERE token_hash = $1")
        .execute(Tuple.of(tokenHash))
        .map(rows -> rows.size() == 0 ? null : toToken(rows.iterator().next()));
  }

  @Override
  public Future<List<AdminToken>> list() {
    return pool.query("SELECT id, role, name, created_at FROM admin_token ORDER BY created_at, id").execute()
        .map(rows -> {
          List<AdminToken> out = new ArrayList<>();
          rows.forEach(r -> out.add(toToken(r)));
          return out;
        });
  }

  @Override
  public Future<Boolean> remove(String id) {
    return pool.preparedQuery("DELETE FROM admin_token WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() > 0);
  }

  private static Tuple params(AdminToken token, String tokenHash) {
    return Tuple.of(token.id(), tokenHash, token.role().label(), token.name());
  }

  private static AdminToken toToken(Row r) {
    return new AdminToken(r.getString("id"), AdminRole.of(r.getString("role")), r.getString("name"),
        r.getOffsetDateTime("created_at").toInstant());
  }
}
