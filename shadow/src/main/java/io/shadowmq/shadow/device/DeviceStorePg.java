package io.shadowmq.shadow.device;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The device registry in PostgreSQL, table {@code device}. */
public final class DeviceStorePg implements DeviceStore {
  private static final String COLUMNS = "id, tags, enabled, created_at, last_seen_at, password_hash, cert_fingerprints";
  private static final String UNIQUE_VIOLATION = "23505";

  private final Pool pool;

  public DeviceStorePg(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Void> add(Device d) {
    JsonObject tags = new JsonObject(new LinkedHashMap<>(d.tags()));
    return pool.preparedQuery("INSERT INTO device (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.tuple().addValue(d.id()).addValue(tags).addValue(d.enabled())
            .addValue(OffsetDateTime.ofInstant(d.createdAt(), java.time.ZoneOffset.UTC))
            .addValue(d.lastSeenAt() == null ? null : OffsetDateTime.ofInstant(d.lastSeenAt(), java.time.ZoneOffset.UTC))
            .addValue(d.passwordHash()).addValue(d.certFingerprints().toArray(new String[0])))
        .<Void>mapEmpty()
        .recover(e -> e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
            ? Future.failedFuture(new DeviceExistsException(d.id())) : Future.failedFuture(e));
  }

  @Override
  public Future<Device> find(String id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM device WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : toDevice(rows.iterator().next()));
  }

  @Override
  public Future<List<Device>> list() {
    return pool.query("SELECT " + COLUMNS + " FROM device ORDER BY id").execute().map(rows -> {
      List<Device> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(toDevice(r)));
      return out;
    });
  }

  @Override
  public Future<List<Device>> page(DeviceQuery q) {
    // Parameters are positional and always bound; a null one switches its condition off.
    String sql = "SELECT " + COLUMNS + " FROM device WHERE ($1::text IS NULL OR id > $1) "
        + "AND ($2::text IS NULL OR starts_with(id, $2)) AND tags @> $3 "
        + "AND ($4::text[] IS NULL OR id = ANY($4)) AND ($5::text[] IS NULL OR NOT (id = ANY($5))) "
        + "ORDER BY id LIMIT $6";
    Tuple params = Tuple.tuple().addValue(q.after()).addValue(q.prefix())
        .addValue(new JsonObject(new LinkedHashMap<>(q.tags())))
        .addValue(q.onlyIds() == null ? null : q.onlyIds().toArray(new String[0]))
        .addValue(q.notIds() == null ? null : q.notIds().toArray(new String[0]))
        .addValue(q.limit());
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      List<Device> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(toDevice(r)));
      return out;
    });
  }

  @Override
  public Future<Device> update(String id, Map<String, String> tags, boolean enabled) {
    return pool.preparedQuery("UPDATE device SET tags = $2, enabled = $3 WHERE id = $1 RETURNING " + COLUMNS)
        .execute(Tuple.of(id, new JsonObject(new LinkedHashMap<>(tags)), enabled))
        .map(rows -> rows.size() == 0 ? null : toDevice(rows.iterator().next()));
  }

  @Override
  public Future<Boolean> setPasswordHash(String id, String passwordHash) {
    return pool.preparedQuery("UPDATE device SET password_hash = $2 WHERE id = $1").execute(Tuple.of(id, passwordHash))
        .map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Long> count() {
    return pool.query("SELECT count(*) FROM device").execute().map(rows -> rows.iterator().next().getLong(0));
  }

  @Override
  public Future<Boolean> setEnabled(String id, boolean enabled) {
    return pool.preparedQuery("UPDATE device SET enabled = $2 WHERE id = $1").execute(Tuple.of(id, enabled))
        .map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Boolean> remove(String id) {
    return pool.preparedQuery("DELETE FROM device WHERE id = $1").execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Void> markSeen(Collection<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("UPDATE device SET last_seen_at = now() WHERE id = ANY($1::text[])")
        .execute(Tuple.tuple().addValue(ids.toArray(new String[0]))).mapEmpty();
  }

  private static Device toDevice(Row r) {
    JsonObject tagJson = (JsonObject) r.getValue("tags");
    Map<String, String> tags = new LinkedHashMap<>();
    tagJson.forEach(e -> tags.put(e.getKey(), String.valueOf(e.getValue())));
    OffsetDateTime lastSeen = r.getOffsetDateTime("last_seen_at");
    return new Device(r.getString("id"), tags, r.getBoolean("enabled"), r.getOffsetDateTime("created_at").toInstant(),
        lastSeen == null ? null : lastSeen.toInstant(), r.getString("password_hash"),
        List.of(r.getArrayOfStrings("cert_fingerprints")));
  }
}
