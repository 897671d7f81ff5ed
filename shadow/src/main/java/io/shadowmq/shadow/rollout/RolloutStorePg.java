package io.shadowmq.shadow.rollout;

import io.shadowmq.shadow.firmware.ReleaseUsage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Rollouts in PostgreSQL, table {@code rollout}. Every change is committed before its future completes. */
public final class RolloutStorePg implements ReleaseUsage {
  private static final String COLUMNS = "id, release_id, target_version, spec, state, reason, current_wave, bake_until, "
      + "gate_override, scan_cursor, scan_done, eligible, created_at, updated_at";

  private final Pool pool;

  public RolloutStorePg(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> create(Rollout r) {
    return pool.preparedQuery("INSERT INTO rollout (" + COLUMNS + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,now(),now())")
        .execute(Tuple.tuple().addValue(r.id()).addValue(r.releaseId()).addValue(r.targetVersion())
            .addValue(r.spec().toJson()).addValue(r.state().name()).addValue(r.reason()).addValue(r.currentWave())
            .addValue(time(r.bakeUntil())).addValue(r.gateOverride()).addValue(r.scanCursor()).addValue(r.scanDone())
            .addValue(r.eligible()))
        .mapEmpty();
  }

  /** Stores the engine's part of the rollout: state, reason, wave, bake, gate override, scan. */
  public Future<Void> save(Rollout r) {
    return pool.preparedQuery("UPDATE rollout SET state=$2, reason=$3, current_wave=$4, bake_until=$5, gate_override=$6, "
            + "scan_cursor=$7, scan_done=$8, eligible=$9, updated_at=now() WHERE id=$1")
        .execute(Tuple.tuple().addValue(r.id()).addValue(r.state().name()).addValue(r.reason()).addValue(r.currentWave())
            .addValue(time(r.bakeUntil())).addValue(r.gateOverride()).addValue(r.scanCursor()).addValue(r.scanDone())
            .addValue(r.eligible()))
        .mapEmpty();
  }

  public Future<Rollout> find(String id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM rollout WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : toRollout(rows.iterator().next()));
  }

  /** Rollouts in id order after {@code after}, {@code limit} at most; only those of a group when it is given. */
  public Future<List<Rollout>> page(String after, String group, int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM rollout WHERE ($1::text IS NULL OR id > $1) "
            + "AND ($2::text IS NULL OR spec -> 'target' ->> 'group' = $2) ORDER BY id LIMIT $3")
        .execute(Tuple.of(after, group, limit)).map(RolloutStorePg::all);
  }

  /** The ids of the rollouts an engine drives or will drive (not finished). */
  public Future<List<String>> activeIds() {
    return pool.query("SELECT id FROM rollout WHERE state IN ('SCHEDULED','WAITING_APPROVAL','RUNNING','PAUSED') "
        + "ORDER BY created_at").execute().map(rows -> {
          List<String> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  /** How many rollouts are in each state (for the metric). */
  public Future<JsonObject> countByState() {
    return pool.query("SELECT state, count(*) FROM rollout GROUP BY state").execute().map(rows -> {
      JsonObject o = new JsonObject();
      rows.forEach(r -> o.put(r.getString(0), r.getLong(1)));
      return o;
    });
  }

  /** Whether a rollout that is not finished installs this release (then it may not be deleted). */
  @Override
  public Future<Boolean> inActiveRollout(String releaseId) {
    return pool.preparedQuery("SELECT EXISTS (SELECT 1 FROM rollout WHERE release_id = $1 "
            + "AND state IN ('SCHEDULED','WAITING_APPROVAL','RUNNING','PAUSED'))")
        .execute(Tuple.of(releaseId)).map(rows -> rows.iterator().next().getBoolean(0));
  }

  private static List<Rollout> all(io.vertx.sqlclient.RowSet<Row> rows) {
    List<Rollout> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(toRollout(r)));
    return out;
  }

  static OffsetDateTime time(Instant t) {
    return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }

  static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static Rollout toRollout(Row r) {
    RolloutSpec spec = RolloutSpecReader.read((JsonObject) r.getValue("spec"));
    return new Rollout(r.getString("id"), r.getString("release_id"), r.getString("target_version"), spec,
        RolloutState.valueOf(r.getString("state")), r.getString("reason"), r.getInteger("current_wave"),
        instant(r, "bake_until"), r.getInteger("gate_override"), r.getString("scan_cursor"), r.getBoolean("scan_done"),
        r.getInteger("eligible"), instant(r, "created_at"), instant(r, "updated_at"));
  }
}
