package io.shadowmq.shadow.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Retained messages in PostgreSQL, table {@code retained_message}, one multi-row statement per flush. */
public final class RetainedMessageStorePg implements RetainedMessageStore {
  private static final int PAGE = 1000;
  private static final String UPSERT = "INSERT INTO retained_message (topic, payload, qos, properties, expires_at, publisher, stored_at) "
      + "SELECT * , now() FROM unnest($1::text[], $2::bytea[], $3::smallint[], $4::bytea[], $5::timestamptz[], $6::text[]) "
      + "ON CONFLICT (topic) DO UPDATE SET payload = EXCLUDED.payload, qos = EXCLUDED.qos, properties = EXCLUDED.properties, "
      + "expires_at = EXCLUDED.expires_at, publisher = EXCLUDED.publisher, stored_at = EXCLUDED.stored_at";
  private static final String DELETE = "DELETE FROM retained_message WHERE topic = ANY($1::text[])";

  private final Pool pool;
  private final WriteBehind<String, StoredMessage> writes;

  /**
   * @param capacity        pending changes kept while the database is slow or down
   * @param intervalMillis  longest time a change waits before it is written
   */
  public RetainedMessageStorePg(Vertx vertx, Pool pool, int capacity, long intervalMillis, MeterRegistry registry) {
    this.pool = pool;
    this.writes = new WriteBehind<>(vertx, "retained", this::write, capacity, 5000, intervalMillis, registry);
  }

  @Override
  public boolean put(StoredMessage message) {
    return writes.put(message.topic(), message, false);
  }

  @Override
  public boolean remove(String topic) {
    return writes.delete(topic);
  }

  @Override
  public Future<Void> flush() {
    return writes.flush();
  }

  @Override
  public Future<Void> drain() {
    return writes.drain();
  }

  public boolean isFailing() {
    return writes.isFailing();
  }

  private Future<Void> write(List<Map.Entry<String, StoredMessage>> upserts, List<String> deletes) {
    return pool.withTransaction(conn -> {
      Future<?> done = Future.succeededFuture();
      if (!upserts.isEmpty()) {
        int n = upserts.size();
        String[] topics = new String[n];
        io.vertx.core.buffer.Buffer[] payloads = new io.vertx.core.buffer.Buffer[n];
        Short[] qos = new Short[n];
        io.vertx.core.buffer.Buffer[] props = new io.vertx.core.buffer.Buffer[n];
        OffsetDateTime[] expires = new OffsetDateTime[n];
        String[] publishers = new String[n];
        for (int i = 0; i < n; i++) {
          StoredMessage m = upserts.get(i).getValue();
          topics[i] = m.topic();
          payloads[i] = io.vertx.core.buffer.Buffer.buffer(m.payload());
          qos[i] = (short) m.qos();
          props[i] = m.properties() == null ? null : io.vertx.core.buffer.Buffer.buffer(m.properties());
          expires[i] = m.expiresAtMillis() == 0 ? null : OffsetDateTime.ofInstant(Instant.ofEpochMilli(m.expiresAtMillis()), ZoneOffset.UTC);
          publishers[i] = m.publisher();
        }
        Tuple t = Tuple.tuple().addValue(topics).addValue(payloads).addValue(qos).addValue(props).addValue(expires)
            .addValue(publishers);
        done = conn.preparedQuery(UPSERT).execute(t);
      }
      if (!deletes.isEmpty()) {
        String[] topics = deletes.toArray(new String[0]);
        done = done.compose(v -> conn.preparedQuery(DELETE).execute(Tuple.tuple().addValue(topics)));
      }
      return done.mapEmpty();
    });
  }

  @Override
  public Future<Long> loadAll(Consumer<StoredMessage> sink) {
    return pool.query("DELETE FROM retained_message WHERE expires_at <= now()").execute()
        .compose(v -> page("", sink, 0L));
  }

  private Future<Long> page(String after, Consumer<StoredMessage> sink, long count) {
    return pool.preparedQuery("SELECT topic, payload, qos, properties, expires_at, publisher FROM retained_message "
            + "WHERE topic > $1 ORDER BY topic LIMIT " + PAGE)
        .execute(Tuple.of(after))
        .compose((RowSet<Row> rows) -> {
          String last = null;
          long n = count;
          for (Row r : rows) {
            OffsetDateTime exp = r.getOffsetDateTime("expires_at");
            io.vertx.core.buffer.Buffer props = r.getBuffer("properties");
            sink.accept(new StoredMessage(r.getString("topic"), r.getBuffer("payload").getBytes(), r.getShort("qos"), true,
                props == null ? null : props.getBytes(), exp == null ? 0 : exp.toInstant().toEpochMilli(),
                r.getString("publisher")));
            last = r.getString("topic");
            n++;
          }
          return rows.size() < PAGE ? Future.succeededFuture(n) : page(last, sink, n);
        });
  }
}
