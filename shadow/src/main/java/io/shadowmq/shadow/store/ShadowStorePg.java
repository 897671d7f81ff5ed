package io.shadowmq.shadow.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.shadowmq.shadow.state.Shadow;
import io.shadowmq.shadow.state.ShadowKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shadows in PostgreSQL, table {@code shadow}. Saves go through a {@link GroupCommitWriter}: every
 * save that arrives while a batch commits goes into the next batch, written by one multi-row
 * statement (one round trip, its own transaction). Loads are batched the same way ({@link BatchQueue}).
 */
public final class ShadowStorePg implements ShadowStore {
  private static final String UPSERT = "INSERT INTO shadow (thing_name, shadow_name, version, document, updated_at) "
      + "SELECT t, s, v, d::json, now() FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[]) AS u(t, s, v, d) "
      + "ON CONFLICT (thing_name, shadow_name) DO UPDATE SET version = EXCLUDED.version, document = EXCLUDED.document, "
      + "updated_at = EXCLUDED.updated_at WHERE shadow.version <= EXCLUDED.version";
  private static final String SELECT = "SELECT version, document::text AS document FROM shadow "
      + "WHERE thing_name = $1 AND shadow_name = $2";
  private static final String SELECT_MANY = "SELECT k.i, s.version, s.document::text AS document "
      + "FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(t, n, i) "
      + "JOIN shadow s ON s.thing_name = k.t AND s.shadow_name = k.n";
  /** Loads in one statement at most: documents are up to a few kilobytes each. */
  private static final int MAX_LOAD_BATCH = 1000;

  /** One save as the batch takes it: the document is encoded by the caller, off the writer's context. */
  private record Write(ShadowKey key, long version, String document) {
  }

  private final Pool pool;
  private final GroupCommitWriter<Write> writer;
  private final BatchQueue<ShadowKey, Shadow> loads;

  /**
   * @param capacity saves waiting at most before new ones fail with {@link StorageBusyException}
   * @param maxBatch saves in one statement at most
   */
  public ShadowStorePg(Vertx vertx, Pool pool, int capacity, int maxBatch, MeterRegistry registry) {
    this.pool = pool;
    this.writer = new GroupCommitWriter<>(vertx, "shadow", this::commit, capacity, maxBatch, registry);
    this.loads = new BatchQueue<>(vertx, this::loadAll, capacity, MAX_LOAD_BATCH, loadMeters(registry),
        () -> new StorageBusyException("shadow reads are full (" + capacity
            + " waiting): the database is unreachable or slower than the load"));
    Gauge.builder("shadowmq.storage.read.queue", loads.queued(), AtomicInteger::get).tag("reader", "shadow")
        .description("Reads waiting to be sent").register(registry);
  }

  private static BatchQueue.Observer loadMeters(MeterRegistry registry) {
    DistributionSummary size = DistributionSummary.builder("shadowmq.storage.read.batch.size").tag("reader", "shadow")
        .description("Reads per statement").publishPercentiles(0.5, 0.99).register(registry);
    Counter refused = Counter.builder("shadowmq.storage.reads.rejected").tag("reader", "shadow")
        .description("Reads refused because too many were waiting").register(registry);
    return new BatchQueue.Observer() {
      @Override
      public void refused() {
        refused.increment();
      }

      @Override
      public void ran(int n, long nanos, boolean failed) {
        size.record(n);
      }
    };
  }

  /**
   * Shadows that are not cached are read in batches, as they are written: after a restart or at the
   * start of a rollout, thousands of devices are looked up at once and share a few round trips.
   */
  @Override
  public Future<Shadow> load(ShadowKey key) {
    return loads.submit(key);
  }

  private Future<List<Shadow>> loadAll(List<ShadowKey> keys) {
    if (keys.size() == 1) {
      ShadowKey key = keys.get(0);
      return pool.preparedQuery(SELECT).execute(Tuple.of(key.thing(), key.shadow()))
          .map(rows -> rows.size() == 0 ? Collections.singletonList(null) : List.of(shadow(rows.iterator().next())));
    }
    String[] things = new String[keys.size()];
    String[] names = new String[keys.size()];
    for (int i = 0; i < things.length; i++) {
      things[i] = keys.get(i).thing();
      names[i] = keys.get(i).shadow();
    }
    return pool.preparedQuery(SELECT_MANY).execute(Tuple.tuple().addValue(things).addValue(names)).map(rows -> {
      List<Shadow> found = new ArrayList<>(Collections.nCopies(keys.size(), null));
      for (Row row : rows) {
        found.set(row.getLong("i").intValue() - 1, shadow(row));
      }
      return found;
    });
  }

  private static Shadow shadow(Row row) {
    String document = row.getString("document");
    return Shadow.fromStored(row.getLong("version"), document == null ? null : new JsonObject(document));
  }

  @Override
  public Future<List<String>> names(String thing) {
    return pool.preparedQuery("SELECT shadow_name FROM shadow WHERE thing_name = $1 AND shadow_name <> '' "
        + "AND document IS NOT NULL ORDER BY shadow_name").execute(Tuple.of(thing)).map(rows -> {
          List<String> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  @Override
  public Future<Void> save(ShadowKey key, Shadow shadow) {
    JsonObject stored = shadow.toStoredJson();
    return writer.submit(new Write(key, shadow.version(), stored == null ? null : stored.encode()));
  }

  private Future<Void> commit(List<Write> batch) {
    // One row per shadow and statement (ON CONFLICT may not touch a row twice): the latest save wins.
    Map<ShadowKey, Write> latest = new LinkedHashMap<>(batch.size() * 2);
    for (Write w : batch) {
      latest.merge(w.key(), w, (a, b) -> b.version() >= a.version() ? b : a);
    }
    int n = latest.size();
    String[] things = new String[n];
    String[] names = new String[n];
    Long[] versions = new Long[n];
    String[] documents = new String[n];
    int i = 0;
    for (Write w : latest.values()) {
      things[i] = w.key().thing();
      names[i] = w.key().shadow();
      versions[i] = w.version();
      documents[i] = w.document();
      i++;
    }
    return pool.preparedQuery(UPSERT)
        .execute(Tuple.tuple().addValue(things).addValue(names).addValue(versions).addValue(documents))
        .mapEmpty();
  }
}
