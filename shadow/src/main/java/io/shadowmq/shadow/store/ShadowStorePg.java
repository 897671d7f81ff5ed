package io.shadowmq.shadow.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.shadowmq.shadow.state.Shadow;
import io.shadowmq.shadow.state.ShadowKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shadows in PostgreSQL, table {@code shadow}. Saves go through a {@link GroupCommitWriter}: every
 * save that arrives while a batch commits goes into the next batch, written by one multi-row
 * statement (one round trip, its own transaction).
 */
public final class ShadowStorePg implements ShadowStore {
  private static final String UPSERT = "INSERT INTO shadow (thing_name, shadow_name, version, document, updated_at) "
      + "SELECT t, s, v, d::json, now() FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[]) AS u(t, s, v, d) "
      + "ON CONFLICT (thing_name, shadow_name) DO UPDATE SET version = EXCLUDED.version, document = EXCLUDED.document, "
      + "updated_at = EXCLUDED.updated_at WHERE shadow.version <= EXCLUDED.version";
  private static final String SELECT = "SELECT version, document::text AS document FROM shadow "
      + "WHERE thing_name = $1 AND shadow_name = $2";

  /** One save as the batch takes it: the document is encoded by the caller, off the writer's context. */
  private record Write(ShadowKey key, long version, String document) {
  }

  private final Pool pool;
  private final GroupCommitWriter<Write> writer;

  /**
   * @param capacity saves waiting at most before new ones fail with {@link StorageBusyException}
   * @param maxBatch saves in one statement at most
   */
  public ShadowStorePg(Vertx vertx, Pool pool, int capacity, int maxBatch, MeterRegistry registry) {
    this.pool = pool;
    this.writer = new GroupCommitWriter<>(vertx, "shadow", this::commit, capacity, maxBatch, registry);
  }

  @Override
  public Future<Shadow> load(ShadowKey key) {
    return pool.preparedQuery(SELECT).execute(Tuple.of(key.thing(), key.shadow())).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      String document = row.getString("document");
      return Shadow.fromStored(row.getLong("version"), document == null ? null : new JsonObject(document));
    });
  }

  @Override
  public Future<List<String>> names(String thing) {
    return pool.preparedQuery("SELECT shadow_name FROM shadow WHERE thing_name = $1 AND shadow_name <> '' "
        + "AND document IS NOT NULL ORDER BY shadow_name").execute(Tuple.of(thing)).map(rows -> {
          List<String> out = new java.util.ArrayList<>(rows.size());
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
