package io.shadowmq.shadow.rollout;

import io.micrometer.core.instrument.MeterRegistry;
import io.shadowmq.shadow.store.BatchQueue;
import io.shadowmq.shadow.store.GroupCommitWriter;
import io.shadowmq.shadow.store.StorageBusyException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rollout executions in PostgreSQL, table {@code rollout_execution}. Nothing here reads a whole
 * rollout: targets are scanned a page at a time, devices are picked for notification a batch at a
 * time, counts come from one aggregate query, and the engine's transitions go through a
 * {@link GroupCommitWriter} (one multi-row statement per batch).
 */
public final class ExecutionStorePg {
  private static final String ACTIVE = "('QUEUED','NOTIFIED','IN_PROGRESS')";
  private static final String COLUMNS = "rollout_id, device_id, state, wave, attempt, previous_version, skip_reason, "
      + "last_error, queued_at, notified_at, started_at, finished_at, updated_at";
  private static final String REPORTED_VERSION = "(s.document -> 'state' -> 'reported' -> 'firmware' ->> 'version')";
  private static final String SCAN_TAIL = " ORDER BY id LIMIT $3), "
      + "fresh AS (SELECT src.* FROM src WHERE NOT EXISTS (SELECT 1 FROM rollout_execution x "
      + "  WHERE x.rollout_id = $1 AND x.device_id = src.id)), "
      + "page AS (SELECT f.id, " + REPORTED_VERSION + " AS prev, CASE "
      + "  WHEN NOT (f.tags @> $5::jsonb) THEN 'incompatible with the release' "
      + "  WHEN " + REPORTED_VERSION + " = $6 THEN 'already on ' || $6 "
      + "  WHEN NOT $7 THEN (SELECT 'in rollout ' || min(o.rollout_id) FROM rollout_execution o "
      + "    WHERE o.device_id = f.id AND o.rollout_id <> $1 AND o.state IN " + ACTIVE + ") END AS skip "
      + "  FROM fresh f LEFT JOIN shadow s ON s.thing_name = f.id AND s.shadow_name = ''), "
      + "sup AS (UPDATE rollout_execution o SET state = 'CANCELED', finished_at = now(), updated_at = now(), "
      + "  last_error = jsonb_build_object('code', 'SUPERSEDED', 'message', 'superseded by rollout ' || $1) "
      + "  FROM page p WHERE $7 AND p.skip IS NULL AND o.device_id = p.id AND o.rollout_id <> $1 "
      + "  AND o.state IN " + ACTIVE + " RETURNING o.rollout_id), "
      + "ins AS (INSERT INTO rollout_execution (rollout_id, device_id, seq, state, previous_version, skip_reason, finished_at) "
      + "  SELECT $1, p.id, CASE WHEN p.skip IS NULL THEN $4 + count(*) FILTER (WHERE p.skip IS NULL) OVER (ORDER BY p.id) END, "
      + "  CASE WHEN p.skip IS NULL THEN 'QUEUED' ELSE 'SKIPPED' END, p.prev, p.skip, "
      + "  CASE WHEN p.skip IS NULL THEN NULL ELSE now() END FROM page p ON CONFLICT DO NOTHING RETURNING seq) "
      + "SELECT (SELECT count(*) FROM src) AS scanned, (SELECT max(id) FROM src) AS last, "
      + "(SELECT count(*) FROM ins WHERE seq IS NOT NULL) AS eligible, (SELECT count(*) FROM ins WHERE seq IS NULL) AS skipped, "
      + "(SELECT array_agg(DISTINCT rollout_id) FROM sup) AS superseded";
  private static final String SCAN_SELECTOR = "WITH src AS (SELECT d.id, d.tags FROM device d WHERE d.tags @> $8::jsonb "
      + "AND ($2::text IS NULL OR d.id > $2)" + SCAN_TAIL;
  /** The listed devices among those that carry the selector's tags (devices that joined a group or selector). */
  private static final String SCAN_JOINED = "WITH src AS (SELECT d.id, d.tags FROM device d WHERE d.id = ANY($9::text[]) "
      + "AND d.tags @> $8::jsonb AND ($2::text IS NULL OR d.id > $2)" + SCAN_TAIL;
  private static final String SCAN_LIST = "WITH src AS (SELECT i.id, COALESCE(d.tags, '{}'::jsonb) AS tags "
      + "FROM unnest($8::text[]) AS i(id) LEFT JOIN device d ON d.id = i.id WHERE ($2::text IS NULL OR i.id > $2)"
      + SCAN_TAIL;
  private static final String REPORTED = "s.document -> 'state' -> 'reported'";
  private static final String PAGE = "SELECT " + String.join(", ", Arrays.stream(COLUMNS.split(", ")).map(c -> "e." + c)
      .toList()) + ", CASE WHEN r.spec ->> 'delivery' = 'method' THEN CASE WHEN e.state IN ('NOTIFIED','IN_PROGRESS') "
      + "THEN (" + REPORTED + " -> 'iothubDM' -> 'firmwareUpdate')::text END "
      + "WHEN " + REPORTED + " -> 'firmware' ->> 'rolloutId' = e.rollout_id THEN (" + REPORTED + " -> 'firmware')::text "
      + "END AS report FROM rollout_execution e JOIN rollout r ON r.id = e.rollout_id "
      + "LEFT JOIN shadow s ON s.thing_name = e.device_id AND s.shadow_name = '' "
      + "WHERE e.rollout_id = $1 AND ($2::text IS NULL OR e.state = $2) AND ($3::text IS NULL OR e.device_id > $3) "
      + "ORDER BY e.device_id LIMIT $4";
  private static final String APPLY = "UPDATE rollout_execution e SET state = u.state, "
      + "wave = CASE WHEN u.wave >= 0 THEN u.wave ELSE e.wave END, "
      + "started_at = CASE WHEN u.state = 'IN_PROGRESS' THEN now() ELSE e.started_at END, "
      + "finished_at = CASE WHEN u.state IN ('SUCCEEDED','FAILED','TIMED_OUT','CANCELED') THEN now() ELSE NULL END, "
      + "last_error = COALESCE(u.err::jsonb, e.last_error), not_before = u.nb, updated_at = now() "
      + "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int4[], $6::text[], $7::timestamptz[]) "
      + "AS u(rid, dev, from_state, state, wave, err, nb) "
      + "WHERE e.rollout_id = u.rid AND e.device_id = u.dev AND e.state = u.from_state";

  /** What one page of the target scan did. */
  public record ScanPage(int scanned, String last, int eligible, int skipped, List<String> superseded) {
  }

  /** An execution picked for notification. */
  public record Picked(String deviceId, int attempt, int wave, String previousVersion) {
  }

  private final Pool pool;
  private final GroupCommitWriter<Transition> writer;
  private final BatchQueue<String, String> inFlight;

  public ExecutionStorePg(Vertx vertx, Pool pool, int capacity, MeterRegistry registry) {
    this.pool = pool;
    this.writer = new GroupCommitWriter<>(vertx, "rollout", this::commit, capacity, 5000, registry);
    this.inFlight = new BatchQueue<>(vertx, this::inFlightRollouts, capacity, 1000, BatchQueue.Observer.NONE,
        () -> new StorageBusyException("too many firmware reports waiting to be matched to their rollouts"));
  }

  /**
   * Creates the executions of the next page of target devices after {@code after}: QUEUED, or
   * SKIPPED with the reason (incompatible, already on the version, in another active rollout unless
   * {@code supersede}, which cancels that other execution instead). Eligible ones are numbered from
   * {@code offset + 1} in id order.
   *
   * @param selector the tags the devices must carry, or null for a device list
   * @param devices  the device list, or null for a selector
   */
  public Future<ScanPage> scan(String rolloutId, String after, int limit, int offset, JsonObject compatibility,
                               String version, boolean supersede, JsonObject selector, List<String> devices) {
    Tuple t = Tuple.tuple().addValue(rolloutId).addValue(after).addValue(limit).addValue(offset).addValue(compatibility)
        .addValue(version).addValue(supersede)
        .addValue(selector != null ? selector : devices.toArray(new String[0]));
    return pool.preparedQuery(selector != null ? SCAN_SELECTOR : SCAN_LIST).execute(t).map(ExecutionStorePg::scanPage);
  }

  /**
   * As {@link #scan}, for the given devices that carry the selector's tags, whatever the scan's
   * cursor: devices that joined the target of a continuous rollout. Those it has already are left alone.
   */
  public Future<ScanPage> scanJoined(String rolloutId, int offset, JsonObject compatibility, String version,
                                     boolean supersede, JsonObject selector, List<String> devices) {
    Tuple t = Tuple.tuple().addValue(rolloutId).addValue(null).addValue(devices.size()).addValue(offset)
        .addValue(compatibility).addValue(version).addValue(supersede).addValue(selector)
        .addValue(devices.toArray(new String[0]));
    return pool.preparedQuery(SCAN_JOINED).execute(t).map(ExecutionStorePg::scanPage);
  }

  private static ScanPage scanPage(RowSet<Row> rows) {
    Row r = rows.iterator().next();
    String[] sup = r.getArrayOfStrings("superseded");
    return new ScanPage(r.getLong("scanned").intValue(), r.getString("last"), r.getLong("eligible").intValue(),
        r.getLong("skipped").intValue(), sup == null ? List.of() : List.of(sup));
  }

  /** Counts by wave and state, read with one aggregate query. */
  public Future<ExecutionCounts> counts(String rolloutId) {
    return pool.preparedQuery("SELECT COALESCE(wave, -1), state, count(*) FROM rollout_execution WHERE rollout_id = $1 "
        + "GROUP BY 1, 2").execute(Tuple.of(rolloutId)).map(rows -> {
          ExecutionCounts c = new ExecutionCounts();
          rows.forEach(r -> c.add(r.getInteger(0), ExecutionState.valueOf(r.getString(1)), r.getLong(2)));
          return c;
        });
  }

  /** Marks up to {@code limit} never-notified executions NOTIFIED in {@code wave}, in target order. */
  public Future<List<Picked>> pickNew(String rolloutId, int limit, int wave) {
    return pick("SELECT device_id FROM rollout_execution WHERE rollout_id = $1 AND state = 'QUEUED' AND wave IS NULL "
        + "ORDER BY seq, device_id LIMIT $2 FOR UPDATE", rolloutId, limit, wave);
  }

  /** Marks up to {@code limit} executions queued for a retry (backoff over) NOTIFIED again, in their wave. */
  public Future<List<Picked>> pickRetries(String rolloutId, int limit) {
    return pick("SELECT device_id FROM rollout_execution WHERE rollout_id = $1 AND state = 'QUEUED' AND wave IS NOT NULL "
        + "AND (not_before IS NULL OR not_before <= now()) ORDER BY seq, device_id LIMIT $2 FOR UPDATE", rolloutId, limit, -1);
  }

  private Future<List<Picked>> pick(String select, String rolloutId, int limit, int wave) {
    // A materialized CTE runs its LIMIT once (a subquery in FROM may be rescanned per row and pick more).
    return pool.preparedQuery("WITH p AS MATERIALIZED (" + select + ") "
            + "UPDATE rollout_execution e SET state = 'NOTIFIED', wave = COALESCE(e.wave, $3::int), "
            + "attempt = e.attempt + 1, notified_at = now(), started_at = NULL, not_before = NULL, updated_at = now() "
            + "FROM p WHERE e.rollout_id = $1 AND e.device_id = p.device_id "
            + "RETURNING e.device_id, e.attempt, e.wave, e.previous_version")
        .execute(Tuple.of(rolloutId, limit, wave)).map(ExecutionStorePg::picked);
  }

  /** Executions in {@code state}, a page in device order (for re-notifying after a restart). */
  public Future<List<Picked>> inState(String rolloutId, ExecutionState state, String after, int limit) {
    return pool.preparedQuery("SELECT device_id, attempt, COALESCE(wave, -1) AS wave, previous_version FROM rollout_execution "
            + "WHERE rollout_id = $1 AND state = $2 AND ($3::text IS NULL OR device_id > $3) ORDER BY device_id LIMIT $4")
        .execute(Tuple.of(rolloutId, state.name(), after, limit)).map(ExecutionStorePg::picked);
  }

  /** Every execution ever notified (a rollback's devices), a page in device order. */
  public Future<List<Picked>> touched(String rolloutId, String after, int limit) {
    return pool.preparedQuery("SELECT device_id, attempt, wave, previous_version FROM rollout_execution "
            + "WHERE rollout_id = $1 AND wave IS NOT NULL AND ($2::text IS NULL OR device_id > $2) ORDER BY device_id LIMIT $3")
        .execute(Tuple.of(rolloutId, after, limit)).map(ExecutionStorePg::picked);
  }

  /** The current state of these devices' executions: device id to {state, wave, attempt}. */
  public Future<Map<String, Execution>> find(String rolloutId, List<String> devices) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM rollout_execution WHERE rollout_id = $1 AND device_id = ANY($2)")
        .execute(Tuple.tuple().addValue(rolloutId).addValue(devices.toArray(new String[0]))).map(rows -> {
          Map<String, Execution> out = new HashMap<>();
          rows.forEach(r -> out.put(r.getString("device_id"), toExecution(r)));
          return out;
        });
  }

  /** In-flight executions past their in-progress timeout or their deadline, {@code limit} at most. */
  public Future<List<Execution>> overdue(String rolloutId, int inProgressSeconds, int deadlineSeconds, int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM rollout_execution WHERE rollout_id = $1 AND ("
            + "(state = 'IN_PROGRESS' AND started_at < now() - $2::int * interval '1 second') OR "
            + "(state IN ('NOTIFIED','IN_PROGRESS') AND notified_at < now() - $3::int * interval '1 second')) LIMIT $4")
        .execute(Tuple.of(rolloutId, inProgressSeconds, deadlineSeconds, limit)).map(ExecutionStorePg::executions);
  }

  /** Moves every execution of the rollout in {@code from} to {@code to}, recording the error; how many moved. */
  public Future<Integer> moveAll(String rolloutId, ExecutionState from, ExecutionState to, JsonObject error) {
    return pool.preparedQuery("UPDATE rollout_execution SET state = $3, last_error = COALESCE($4::jsonb, last_error), "
            + "not_before = NULL, updated_at = now(), finished_at = CASE WHEN $3 = 'QUEUED' THEN NULL ELSE now() END "
            + "WHERE rollout_id = $1 AND state = $2")
        .execute(Tuple.tuple().addValue(rolloutId).addValue(from.name()).addValue(to.name())
            .addValue(error))
        .map(RowSet::rowCount);
  }

  /**
   * A page of a rollout's executions in device order, only those in {@code state} when it is given,
   * each with what its device last reported about this update, read from its shadow: in shadow mode
   * {@code reported.firmware} when it names this rollout, in method mode
   * {@code reported.iothubDM.firmwareUpdate} while the execution is in flight.
   */
  public Future<List<Execution>> page(String rolloutId, ExecutionState state, String after, int limit) {
    return pool.preparedQuery(PAGE)
        .execute(Tuple.of(rolloutId, state == null ? null : state.name(), after, limit)).map(ExecutionStorePg::executions);
  }

  /** A device's executions, newest first. */
  public Future<List<Execution>> history(String deviceId, int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM rollout_execution WHERE device_id = $1 "
        + "ORDER BY queued_at DESC, rollout_id LIMIT $2").execute(Tuple.of(deviceId, limit)).map(ExecutionStorePg::executions);
  }

  /**
   * The rollout whose execution of this device is in flight, or null. Asked for each report that
   * names no rollout (method mode): the questions are batched, one statement for all that wait.
   */
  public Future<String> inFlightRollout(String deviceId) {
    return inFlight.submit(deviceId);
  }

  private Future<List<String>> inFlightRollouts(List<String> devices) {
    return pool.preparedQuery("SELECT DISTINCT ON (device_id) device_id, rollout_id FROM rollout_execution "
            + "WHERE device_id = ANY($1) AND state IN ('NOTIFIED','IN_PROGRESS') ORDER BY device_id, rollout_id")
        .execute(Tuple.tuple().addValue(devices.toArray(new String[0]))).map(rows -> {
          Map<String, String> byDevice = new HashMap<>(rows.size() * 2);
          rows.forEach(r -> byDevice.put(r.getString(0), r.getString(1)));
          List<String> out = new ArrayList<>(devices.size());
          for (String d : devices) {
            out.add(byDevice.get(d));
          }
          return out;
        });
  }

  /** Writes transitions in the next batch; completes once committed. */
  public Future<Void> apply(Transition t) {
    return writer.submit(t);
  }

  private Future<Void> commit(List<Transition> batch) {
    int n = batch.size();
    String[] rids = new String[n];
    String[] devs = new String[n];
    String[] froms = new String[n];
    String[] tos = new String[n];
    Integer[] waves = new Integer[n];
    String[] errors = new String[n];
    OffsetDateTime[] notBefore = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      Transition t = batch.get(i);
      rids[i] = t.rolloutId();
      devs[i] = t.deviceId();
      froms[i] = t.from().name();
      tos[i] = t.to().name();
      waves[i] = t.wave();
      errors[i] = t.error() == null ? null : t.error().encode();
      notBefore[i] = RolloutStorePg.time(t.notBefore());
    }
    return pool.preparedQuery(APPLY).execute(Tuple.tuple().addValue(rids).addValue(devs).addValue(froms).addValue(tos)
        .addValue(waves).addValue(errors).addValue(notBefore)).mapEmpty();
  }

  private static List<Picked> picked(RowSet<Row> rows) {
    List<Picked> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(new Picked(r.getString(0), r.getInteger(1), r.getInteger(2), r.getString(3))));
    return out;
  }

  private static List<Execution> executions(RowSet<Row> rows) {
    List<Execution> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(toExecution(r)));
    return out;
  }

  private static Execution toExecution(Row r) {
    Integer wave = r.getInteger("wave");
    Object err = r.getValue("last_error");
    String report = r.getColumnIndex("report") >= 0 ? r.getString("report") : null;
    return new Execution(r.getString("rollout_id"), r.getString("device_id"), ExecutionState.valueOf(r.getString("state")),
        wave == null ? -1 : wave, r.getInteger("attempt"), r.getString("previous_version"), r.getString("skip_reason"),
        err instanceof JsonObject o ? o : null, RolloutStorePg.instant(r, "queued_at"), RolloutStorePg.instant(r, "notified_at"),
        RolloutStorePg.instant(r, "started_at"), RolloutStorePg.instant(r, "finished_at"),
        RolloutStorePg.instant(r, "updated_at"), report == null ? null : Execution.report(report));
  }
}
