package io.shadowmq.shadow.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Persistent sessions in PostgreSQL (tables {@code mqtt_session}, {@code mqtt_subscription},
 * {@code mqtt_session_message}, {@code mqtt_session_qos2_received}). All changes of all sessions go
 * through one write-behind buffer and are written in one transaction per flush: a deleted session's
 * rows are purged first (before a new session of the same client id is written), then the upserts,
 * then the deletes. A flush may hold a session's rows without the session itself (it comes in the
 * next one), so the tables are tied by client id without foreign keys, and rows left without a
 * session are removed when sessions are loaded.
 */
public final class SessionStorePg implements SessionStore {
  private static final int PAGE = 1000;

  /** Row keys of the four tables. */
  private record SessionKey(String clientId) {
  }

  private record SubscriptionKey(String clientId, String filter) {
  }

  private record MessageKey(String clientId, long seq) {
  }

  private record Qos2Key(String clientId, int packetId) {
  }

  /** A session row; {@code purge}: delete what is stored for the client id first; {@code deleted}: and write nothing. */
  private record SessionRow(long expirySeconds, long expiresAtMillis, boolean purge, boolean deleted) {
  }

  private final Pool pool;
  private final WriteBehind<Object, Object> writes;

  public SessionStorePg(Vertx vertx, Pool pool, int capacity, long intervalMillis, MeterRegistry registry) {
    this.pool = pool;
    this.writes = new WriteBehind<>(vertx, "sessions", this::write, capacity, 20_000, intervalMillis, registry);
  }

  private static Object keepPurge(Object old, Object fresh) {
    SessionRow n = (SessionRow) fresh;
    return old != null && ((SessionRow) old).purge() ? new SessionRow(n.expirySeconds(), n.expiresAtMillis(), true, n.deleted()) : n;
  }

  @Override
  public boolean saveSession(String clientId, long expirySeconds, long expiresAtMillis) {
    return writes.merge(new SessionKey(clientId), new SessionRow(expirySeconds, expiresAtMillis, false, false), false,
        SessionStorePg::keepPurge);
  }

  @Override
  public boolean deleteSession(String clientId) {
    return writes.merge(new SessionKey(clientId), new SessionRow(0, 0, true, true), false, (old, fresh) -> fresh);
  }

  @Override
  public boolean saveSubscription(String clientId, StoredSubscription subscription) {
    return writes.put(new SubscriptionKey(clientId, subscription.filter()), subscription, false);
  }

  @Override
  public boolean deleteSubscription(String clientId, String filter) {
    return writes.delete(new SubscriptionKey(clientId, filter));
  }

  @Override
  public boolean saveMessage(String clientId, StoredSessionMessage message, boolean isNew) {
    return writes.put(new MessageKey(clientId, message.seq()), message, isNew);
  }

  @Override
  public boolean deleteMessage(String clientId, long seq) {
    return writes.delete(new MessageKey(clientId, seq));
  }

  @Override
  public boolean saveAwaitingRelease(String clientId, int packetId) {
    return writes.put(new Qos2Key(clientId, packetId), Boolean.TRUE, true);
  }

  @Override
  public boolean deleteAwaitingRelease(String clientId, int packetId) {
    return writes.delete(new Qos2Key(clientId, packetId));
  }

  @Override
  public Future<Void> flush() {
    return writes.flush();
  }

  @Override
  public Future<Void> drain() {
    return writes.drain();
  }

  @Override
  public boolean isFailing() {
    return writes.isFailing();
  }

  // ---- writing --------------------------------------------------------------------------------

  private Future<Void> write(List<Map.Entry<Object, Object>> upserts, List<Object> deletes) {
    List<String> purge = new ArrayList<>();
    List<Map.Entry<String, SessionRow>> sessions = new ArrayList<>();
    List<Map.Entry<SubscriptionKey, StoredSubscription>> subs = new ArrayList<>();
    List<Map.Entry<MessageKey, StoredSessionMessage>> messages = new ArrayList<>();
    List<Qos2Key> qos2 = new ArrayList<>();
    for (Map.Entry<Object, Object> e : upserts) {
      if (e.getKey() instanceof SessionKey k) {
        SessionRow row = (SessionRow) e.getValue();
        if (row.purge()) {
          purge.add(k.clientId());
        }
        if (!row.deleted()) {
          sessions.add(Map.entry(k.clientId(), row));
        }
      } else if (e.getKey() instanceof SubscriptionKey k) {
        subs.add(Map.entry(k, (StoredSubscription) e.getValue()));
      } else if (e.getKey() instanceof MessageKey k) {
        messages.add(Map.entry(k, (StoredSessionMessage) e.getValue()));
      } else {
        qos2.add((Qos2Key) e.getKey());
      }
    }
    return pool.withTransaction(conn -> {
      Future<?> f = Future.succeededFuture();
      if (!purge.isEmpty()) {
        Tuple ids = Tuple.tuple().addValue(purge.toArray(new String[0]));
        for (String table : new String[] {"mqtt_session_message", "mqtt_session_qos2_received", "mqtt_subscription",
            "mqtt_session"}) {
          f = f.compose(v -> conn.preparedQuery("DELETE FROM " + table + " WHERE client_id = ANY($1::text[])").execute(ids));
        }
      }
      if (!sessions.isEmpty()) {
        f = f.compose(v -> upsertSessions(conn, sessions));
      }
      if (!subs.isEmpty()) {
        f = f.compose(v -> upsertSubscriptions(conn, subs));
      }
      if (!messages.isEmpty()) {
        f = f.compose(v -> upsertMessages(conn, messages));
      }
      if (!qos2.isEmpty()) {
        f = f.compose(v -> conn.preparedQuery("INSERT INTO mqtt_session_qos2_received (client_id, packet_id) "
                + "SELECT * FROM unnest($1::text[], $2::int[]) ON CONFLICT DO NOTHING")
            .execute(Tuple.tuple().addValue(qos2.stream().map(Qos2Key::clientId).toArray(String[]::new))
                .addValue(qos2.stream().map(Qos2Key::packetId).toArray(Integer[]::new))));
      }
      if (!deletes.isEmpty()) {
        f = f.compose(v -> deleteChildren(conn, deletes));
      }
      return f.mapEmpty();
    });
  }

  private static OffsetDateTime time(long millis) {
    return millis == 0 ? null : OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }

  private static long millis(OffsetDateTime t) {
    return t == null ? 0 : t.toInstant().toEpochMilli();
  }

  private static Future<?> upsertSessions(SqlConnection conn, List<Map.Entry<String, SessionRow>> rows) {
    int n = rows.size();
    String[] ids = new String[n];
    Long[] expiry = new Long[n];
    OffsetDateTime[] expiresAt = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      ids[i] = rows.get(i).getKey();
      expiry[i] = rows.get(i).getValue().expirySeconds();
      expiresAt[i] = time(rows.get(i).getValue().expiresAtMillis());
    }
    return conn.preparedQuery("INSERT INTO mqtt_session (client_id, expiry_seconds, connected, expires_at, updated_at) "
            + "SELECT c, e, x IS NULL, x, now() FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS u(c, e, x) "
            + "ON CONFLICT (client_id) DO UPDATE SET expiry_seconds = EXCLUDED.expiry_seconds, "
            + "connected = EXCLUDED.connected, expires_at = EXCLUDED.expires_at, updated_at = now()")
        .execute(Tuple.tuple().addValue(ids).addValue(expiry).addValue(expiresAt));
  }

  private static Future<?> upsertSubscriptions(SqlConnection conn, List<Map.Entry<SubscriptionKey, StoredSubscription>> rows) {
    int n = rows.size();
    String[] ids = new String[n];
    String[] filters = new String[n];
    Short[] qos = new Short[n];
    Boolean[] noLocal = new Boolean[n];
    Boolean[] rap = new Boolean[n];
    Short[] rh = new Short[n];
    Integer[] subId = new Integer[n];
    for (int i = 0; i < n; i++) {
      StoredSubscription s = rows.get(i).getValue();
      ids[i] = rows.get(i).getKey().clientId();
      filters[i] = s.filter();
      qos[i] = (short) s.qos();
      noLocal[i] = s.noLocal();
      rap[i] = s.retainAsPublished();
      rh[i] = (short) s.retainHandling();
      subId[i] = s.subscriptionId();
    }
    return conn.preparedQuery("INSERT INTO mqtt_subscription (client_id, filter, qos, no_local, retain_as_published, "
            + "retain_handling, subscription_id) SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], "
            + "$4::boolean[], $5::boolean[], $6::smallint[], $7::int[]) "
            + "ON CONFLICT (client_id, filter) DO UPDATE SET qos = EXCLUDED.qos, no_local = EXCLUDED.no_local, "
            + "retain_as_published = EXCLUDED.retain_as_published, retain_handling = EXCLUDED.retain_handling, "
            + "subscription_id = EXCLUDED.subscription_id")
        .execute(Tuple.tuple().addValue(ids).addValue(filters).addValue(qos).addValue(noLocal).addValue(rap)
            .addValue(rh).addValue(subId));
  }

  private static Future<?> upsertMessages(SqlConnection conn, List<Map.Entry<MessageKey, StoredSessionMessage>> rows) {
    List<Tuple> batch = new ArrayList<>(rows.size());
    for (Map.Entry<MessageKey, StoredSessionMessage> e : rows) {
      StoredSessionMessage m = e.getValue();
      StoredMessage msg = m.message();
      int[] ids = m.subscriptionIds();
      Integer[] boxed = null;
      if (ids != null) {
        boxed = new Integer[ids.length];
        for (int i = 0; i < ids.length; i++) {
          boxed[i] = ids[i];
        }
      }
      batch.add(Tuple.tuple().addValue(e.getKey().clientId()).addValue(m.seq())
          .addValue(m.packetId() == 0 ? null : m.packetId()).addValue(m.released()).addValue(msg.topic())
          .addValue(Buffer.buffer(msg.payload())).addValue((short) msg.qos()).addValue(msg.retain())
          .addValue(msg.properties() == null ? null : Buffer.buffer(msg.properties()))
          .addValue(time(msg.expiresAtMillis())).addValue(boxed).addValue(m.shareGroup()).addValue(m.shareFilter()));
    }
    // A pipelined batch in the transaction: one round trip.
    return conn.preparedQuery("INSERT INTO mqtt_session_message (client_id, seq, packet_id, released, topic, payload, "
            + "qos, retain, properties, expires_at, subscription_ids, share_group, share_filter) "
            + "SELECT $1::text, $2::bigint, $3::int, $4::boolean, $5::text, $6::bytea, $7::smallint, $8::boolean, "
            + "$9::bytea, $10::timestamptz, $11::int[], $12::text, $13::text "
            + "ON CONFLICT (client_id, seq) DO UPDATE SET packet_id = EXCLUDED.packet_id, released = EXCLUDED.released")
        .executeBatch(batch);
  }

  private static Future<?> deleteChildren(SqlConnection conn, List<Object> deletes) {
    List<String> subIds = new ArrayList<>();
    List<String> subFilters = new ArrayList<>();
    List<String> msgIds = new ArrayList<>();
    List<Long> msgSeqs = new ArrayList<>();
    List<String> qIds = new ArrayList<>();
    List<Integer> qPids = new ArrayList<>();
    for (Object k : deletes) {
      if (k instanceof SubscriptionKey s) {
        subIds.add(s.clientId());
        subFilters.add(s.filter());
      } else if (k instanceof MessageKey m) {
        msgIds.add(m.clientId());
        msgSeqs.add(m.seq());
      } else if (k instanceof Qos2Key q) {
        qIds.add(q.clientId());
        qPids.add(q.packetId());
      }
    }
    Future<?> f = Future.succeededFuture();
    if (!subIds.isEmpty()) {
      f = f.compose(v -> conn.preparedQuery("DELETE FROM mqtt_subscription t USING unnest($1::text[], $2::text[]) AS d(c, f) "
          + "WHERE t.client_id = d.c AND t.filter = d.f")
          .execute(Tuple.tuple().addValue(subIds.toArray(new String[0])).addValue(subFilters.toArray(new String[0]))));
    }
    if (!msgIds.isEmpty()) {
      f = f.compose(v -> conn.preparedQuery("DELETE FROM mqtt_session_message t USING unnest($1::text[], $2::bigint[]) AS d(c, s) "
          + "WHERE t.client_id = d.c AND t.seq = d.s")
          .execute(Tuple.tuple().addValue(msgIds.toArray(new String[0])).addValue(msgSeqs.toArray(new Long[0]))));
    }
    if (!qIds.isEmpty()) {
      f = f.compose(v -> conn.preparedQuery("DELETE FROM mqtt_session_qos2_received t USING unnest($1::text[], $2::int[]) AS d(c, p) "
          + "WHERE t.client_id = d.c AND t.packet_id = d.p")
          .execute(Tuple.tuple().addValue(qIds.toArray(new String[0])).addValue(qPids.toArray(new Integer[0]))));
    }
    return f;
  }

  // ---- reading --------------------------------------------------------------------------------

  @Override
  public Future<Long> loadSessions(Consumer<StoredSession> sink) {
    return pool.withTransaction(conn -> conn.query("DELETE FROM mqtt_session WHERE expires_at <= now()").execute()
            .compose(v -> conn.query("DELETE FROM mqtt_subscription t WHERE NOT EXISTS "
                + "(SELECT 1 FROM mqtt_session s WHERE s.client_id = t.client_id)").execute())
            .compose(v -> conn.query("DELETE FROM mqtt_session_message t WHERE NOT EXISTS "
                + "(SELECT 1 FROM mqtt_session s WHERE s.client_id = t.client_id)").execute())
            .compose(v -> conn.query("DELETE FROM mqtt_session_qos2_received t WHERE NOT EXISTS "
                + "(SELECT 1 FROM mqtt_session s WHERE s.client_id = t.client_id)").execute()))
        .compose(v -> sessionPage("", sink, 0L));
  }

  private Future<Long> sessionPage(String after, Consumer<StoredSession> sink, long count) {
    return pool.preparedQuery("SELECT client_id, expiry_seconds, expires_at, connected, "
            + "(SELECT count(*) FROM mqtt_session_message m WHERE m.client_id = s.client_id) AS messages, "
            + "(SELECT coalesce(max(seq), 0) FROM mqtt_session_message m WHERE m.client_id = s.client_id) AS last_seq "
            + "FROM mqtt_session s WHERE client_id > $1 ORDER BY client_id LIMIT " + PAGE)
        .execute(Tuple.of(after))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(count);
          }
          List<Row> page = new ArrayList<>();
          rows.forEach(page::add);
          String first = page.get(0).getString("client_id");
          String last = page.get(page.size() - 1).getString("client_id");
          Future<Map<String, List<StoredSubscription>>> subs = subscriptionsBetween(first, last);
          Future<Map<String, List<Integer>>> qos2 = awaitingReleaseBetween(first, last);
          return Future.all(subs, qos2).compose(all -> {
            for (Row r : page) {
              String id = r.getString("client_id");
              long expiresAt = millis(r.getOffsetDateTime("expires_at"));
              long expiry = r.getLong("expiry_seconds");
              if (r.getBoolean("connected") && expiry < 0xFFFF_FFFFL) {
                // The broker stopped while the client was connected: its expiry starts now.
                expiresAt = System.currentTimeMillis() + expiry * 1000;
              }
              sink.accept(new StoredSession(id, expiry, expiresAt,
                  subs.result().getOrDefault(id, List.of()), r.getLong("messages"), r.getLong("last_seq"),
                  qos2.result().getOrDefault(id, List.of())));
            }
            long n = count + page.size();
            return page.size() < PAGE ? Future.succeededFuture(n) : sessionPage(last, sink, n);
          });
        });
  }

  private Future<Map<String, List<StoredSubscription>>> subscriptionsBetween(String first, String last) {
    return pool.preparedQuery("SELECT client_id, filter, qos, no_local, retain_as_published, retain_handling, subscription_id "
            + "FROM mqtt_subscription WHERE client_id BETWEEN $1 AND $2")
        .execute(Tuple.of(first, last))
        .map(rows -> {
          Map<String, List<StoredSubscription>> out = new HashMap<>();
          for (Row r : rows) {
            out.computeIfAbsent(r.getString("client_id"), k -> new ArrayList<>()).add(new StoredSubscription(
                r.getString("filter"), r.getShort("qos"), r.getBoolean("no_local"), r.getBoolean("retain_as_published"),
                r.getShort("retain_handling"), r.getInteger("subscription_id")));
          }
          return out;
        });
  }

  private Future<Map<String, List<Integer>>> awaitingReleaseBetween(String first, String last) {
    return pool.preparedQuery("SELECT client_id, packet_id FROM mqtt_session_qos2_received WHERE client_id BETWEEN $1 AND $2")
        .execute(Tuple.of(first, last))
        .map(rows -> {
          Map<String, List<Integer>> out = new HashMap<>();
          for (Row r : rows) {
            out.computeIfAbsent(r.getString("client_id"), k -> new ArrayList<>()).add(r.getInteger("packet_id"));
          }
          return out;
        });
  }

  @Override
  public Future<List<StoredSessionMessage>> loadMessages(String clientId) {
    return pool.preparedQuery("SELECT seq, packet_id, released, topic, payload, qos, retain, properties, expires_at, "
            + "subscription_ids, share_group, share_filter FROM mqtt_session_message WHERE client_id = $1 ORDER BY seq")
        .execute(Tuple.of(clientId))
        .map(rows -> {
          List<StoredSessionMessage> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            Buffer props = r.getBuffer("properties");
            Integer[] ids = r.getArrayOfIntegers("subscription_ids");
            int[] subIds = null;
            if (ids != null) {
              subIds = new int[ids.length];
              for (int i = 0; i < ids.length; i++) {
                subIds[i] = ids[i];
              }
            }
            Integer pid = r.getInteger("packet_id");
            StoredMessage m = new StoredMessage(r.getString("topic"), r.getBuffer("payload").getBytes(), r.getShort("qos"),
                r.getBoolean("retain"), props == null ? null : props.getBytes(), millis(r.getOffsetDateTime("expires_at")),
                null);
            out.add(new StoredSessionMessage(r.getLong("seq"), pid == null ? 0 : pid, r.getBoolean("released"), m, subIds,
                r.getString("share_group"), r.getString("share_filter")));
          }
          return out;
        });
  }
}
