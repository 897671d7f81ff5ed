package io.shadowmq.shadow.firmware;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what the registry's devices report about their firmware, from their classic shadows in
 * PostgreSQL (an accepted shadow update is committed, so this is current): a page of devices, or
 * counts over every device a selector matches, grouped so that no device row reaches memory.
 */
public final class FirmwareReportsPg {
  private static final String REPORTED = "s.document->'state'->'reported'->'firmware'";
  private static final String FIRMWARE_COLUMNS = REPORTED + "->>'version' AS version, " + REPORTED
      + "->>'status' AS status, s.document->'state'->'desired'->'firmware'->>'version' AS desired";
  private static final String FROM = " FROM device d LEFT JOIN shadow s ON s.thing_name = d.id AND s.shadow_name = '' ";

  /** A number of devices that agree on the selector tags and on their firmware fields. */
  public record Tally(DeviceFirmware firmware, long devices) {
  }

  private final Pool pool;

  public FirmwareReportsPg(Pool pool) {
    this.pool = pool;
  }

  /** Devices whose tags hold {@code selector}, in id order after {@code afterId} (null: from the first). */
  public Future<List<DeviceFirmware>> page(Map<String, String> selector, String afterId, int limit) {
    String sql = "SELECT d.id, d.tags, " + FIRMWARE_COLUMNS + FROM
        + "WHERE d.tags @> $1 AND ($2::text IS NULL OR d.id > $2) ORDER BY d.id LIMIT $3";
    return pool.preparedQuery(sql).execute(Tuple.of(json(selector), afterId, limit)).map(rows -> {
      List<DeviceFirmware> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new DeviceFirmware(r.getString("id"), tags((JsonObject) r.getValue("tags")), r.getString("version"),
            r.getString("status"), r.getString("desired")));
      }
      return out;
    });
  }

  /**
   * Every device whose tags hold {@code selector}, counted by the values of {@code tagNames} and by
   * their firmware fields (device ids are left empty in the tallies).
   */
  public Future<List<Tally>> tally(Map<String, String> selector, List<String> tagNames) {
    StringBuilder select = new StringBuilder("SELECT ");
    Tuple params = Tuple.of(json(selector));
    for (int i = 0; i < tagNames.size(); i++) {
      select.append("d.tags->>$").append(i + 2).append(" AS t").append(i).append(", ");
      params.addValue(tagNames.get(i));
    }
    int groups = tagNames.size() + 3;
    StringBuilder groupBy = new StringBuilder();
    for (int i = 1; i <= groups; i++) {
      groupBy.append(i == 1 ? "" : ", ").append(i);
    }
    String sql = select + FIRMWARE_COLUMNS + ", count(*) AS n" + FROM + "WHERE d.tags @> $1 GROUP BY " + groupBy;
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      List<Tally> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < tagNames.size(); i++) {
          String value = r.getString("t" + i);
          if (value != null) {
            tags.put(tagNames.get(i), value);
          }
        }
        out.add(new Tally(new DeviceFirmware("", tags, r.getString("version"), r.getString("status"),
            r.getString("desired")), r.getLong("n")));
      }
      return out;
    });
  }

  private static JsonObject json(Map<String, String> selector) {
    return new JsonObject(new LinkedHashMap<>(selector));
  }

  private static Map<String, String> tags(JsonObject json) {
    Map<String, String> tags = new LinkedHashMap<>();
    json.forEach(e -> tags.put(e.getKey(), String.valueOf(e.getValue())));
    return tags;
  }
}
