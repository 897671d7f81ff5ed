package io.shadowmq.shadow.group;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Device groups in PostgreSQL, table {@code device_group}. */
public final class GroupStorePg implements GroupStore {
  private static final String COLUMNS = "name, selector, created_at";

  private final Pool pool;

  public GroupStorePg(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Boolean> add(DeviceGroup group) {
    return pool.preparedQuery("INSERT INTO device_group (name, selector) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .execute(Tuple.of(group.name(), json(group.selector())))
        .map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<DeviceGroup> find(String name) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM device_group WHERE name = $1").execute(Tuple.of(name))
        .map(rows -> rows.size() == 0 ? null : toGroup(rows.iterator().next()));
  }

  @Override
  public Future<List<DeviceGroup>> list() {
    return pool.query("SELECT " + COLUMNS + " FROM device_group ORDER BY name").execute().map(rows -> {
      List<DeviceGroup> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(toGroup(r)));
      return out;
    });
  }

  @Override
  public Future<DeviceGroup> updateSelector(String name, Map<String, String> selector) {
    return pool.preparedQuery("UPDATE device_group SET selector = $2 WHERE name = $1 RETURNING " + COLUMNS)
        .execute(Tuple.of(name, json(selector)))
        .map(rows -> rows.size() == 0 ? null : toGroup(rows.iterator().next()));
  }

  @Override
  public Future<Boolean> remove(String name) {
    return pool.preparedQuery("DELETE FROM device_group WHERE name = $1").execute(Tuple.of(name))
        .map(rows -> rows.rowCount() > 0);
  }

  private static JsonObject json(Map<String, String> selector) {
    return new JsonObject(new LinkedHashMap<>(selector));
  }

  private static DeviceGroup toGroup(Row r) {
    JsonObject s = (JsonObject) r.getValue("selector");
    Map<String, String> selector = new LinkedHashMap<>();
    s.forEach(e -> selector.put(e.getKey(), String.valueOf(e.getValue())));
    return new DeviceGroup(r.getString("name"), selector, r.getOffsetDateTime("created_at").toInstant());
  }
}
