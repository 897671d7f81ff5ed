package io.shadowmq.shadow.firmware;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Releases in PostgreSQL: tables {@code firmware_release}, {@code firmware_artifact} and
 * {@code firmware_chunk} (the bytes, in chunks of {@link #CHUNK_SIZE}), so every node reading the
 * same database serves the same artifacts.
 */
public final class ReleaseStorePg implements ReleaseStore {
  /** Bytes per stored chunk: large enough for few round trips, small enough to keep memory flat. */
  public static final int CHUNK_SIZE = 256 * 1024;
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String RELEASE_COLUMNS = "id, name, version, compatibility, notes, created_at";
  private static final String ARTIFACT_COLUMNS = "id, release_id, name, size, sha256, content_type";

  private final Pool pool;
  private final Pool artifactPool;

  /**
   * @param pool         releases and artifact metadata
   * @param artifactPool artifact bytes: uploads (one connection each, for the whole upload) and
   *                     the chunk reads of downloads
   */
  public ReleaseStorePg(Pool pool, Pool artifactPool) {
    this.pool = pool;
    this.artifactPool = artifactPool;
  }

  @Override
  public Future<Release> create(String name, String version, Map<String, String> compatibility, String notes) {
    String id = UUID.randomUUID().toString();
    return pool.preparedQuery("INSERT INTO firmware_release (" + RELEASE_COLUMNS + ") VALUES ($1, $2, $3, $4, $5, now()) "
            + "RETURNING " + RELEASE_COLUMNS)
        .execute(Tuple.of(id, name, version, new JsonObject(new LinkedHashMap<>(compatibility)), notes == null ? "" : notes))
        .map(rows -> toRelease(rows.iterator().next(), List.of()))
        .recover(e -> e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
            ? Future.failedFuture(new ReleaseExistsException(name, version)) : Future.failedFuture(e));
  }

  @Override
  public Future<Release> find(String id) {
    return pool.preparedQuery("SELECT " + RELEASE_COLUMNS + " FROM firmware_release WHERE id = $1").execute(Tuple.of(id))
        .compose(this::withArtifacts).map(list -> list.isEmpty() ? null : list.get(0));
  }

  @Override
  public Future<List<Release>> list(String afterId, int limit) {
    // Ordered by creation, ties by id; the cursor names the last release of the previous page.
    return pool.preparedQuery("SELECT " + RELEASE_COLUMNS + " FROM firmware_release WHERE $1::text IS NULL "
            + "OR (created_at, id) > (SELECT created_at, id FROM firmware_release WHERE id = $1) "
            + "ORDER BY created_at, id LIMIT $2")
        .execute(Tuple.of(afterId, limit)).compose(this::withArtifacts);
  }

  @Override
  public Future<List<Release>> all() {
    return pool.query("SELECT " + RELEASE_COLUMNS + " FROM firmware_release ORDER BY created_at, id").execute()
        .compose(this::withArtifacts);
  }

  @Override
  public Future<Boolean> delete(String id) {
    return pool.preparedQuery("DELETE FROM firmware_release WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Artifact> findArtifact(String artifactId) {
    return pool.preparedQuery("SELECT " + ARTIFACT_COLUMNS + " FROM firmware_artifact WHERE id = $1")
        .execute(Tuple.of(artifactId)).map(rows -> rows.size() == 0 ? null : toArtifact(rows.iterator().next()));
  }

  @Override
  public Future<Artifact> storeArtifact(NewArtifact artifact, ReadStream<Buffer> body) {
    return new ArtifactWriter(artifactPool, artifact, UUID.randomUUID().toString(), CHUNK_SIZE).write(body);
  }

  @Override
  public Future<Buffer> read(String artifactId, long offset, int maxLength) {
    int seq = Math.toIntExact(offset / CHUNK_SIZE);
    int within = (int) (offset % CHUNK_SIZE);
    int length = Math.min(maxLength, CHUNK_SIZE - within);
    return artifactPool.preparedQuery("SELECT substring(data FROM $3 FOR $4) FROM firmware_chunk WHERE artifact_id = $1 AND seq = $2")
        .execute(Tuple.of(artifactId, seq, within + 1, length))
        .map(rows -> rows.size() == 0 ? Buffer.buffer() : rows.iterator().next().getBuffer(0));
  }

  private Future<List<Release>> withArtifacts(RowSet<Row> releaseRows) {
    if (releaseRows.size() == 0) {
      return Future.succeededFuture(List.of());
    }
    List<Row> releases = new ArrayList<>(releaseRows.size());
    releaseRows.forEach(releases::add);
    String[] ids = releases.stream().map(r -> r.getString("id")).toArray(String[]::new);
    return pool.preparedQuery("SELECT " + ARTIFACT_COLUMNS + " FROM firmware_artifact WHERE release_id = ANY($1) "
            + "ORDER BY name").execute(Tuple.tuple().addValue(ids))
        .map(artifactRows -> {
          Map<String, List<Artifact>> byRelease = new LinkedHashMap<>();
          artifactRows.forEach(r -> byRelease.computeIfAbsent(r.getString("release_id"), k -> new ArrayList<>())
              .add(toArtifact(r)));
          List<Release> out = new ArrayList<>(releases.size());
          for (Row r : releases) {
            out.add(toRelease(r, byRelease.getOrDefault(r.getString("id"), List.of())));
          }
          return out;
        });
  }

  private static Release toRelease(Row r, List<Artifact> artifacts) {
    JsonObject c = (JsonObject) r.getValue("compatibility");
    Map<String, String> compatibility = new LinkedHashMap<>();
    c.forEach(e -> compatibility.put(e.getKey(), String.valueOf(e.getValue())));
    return new Release(r.getString("id"), r.getString("name"), r.getString("version"), compatibility,
        r.getString("notes"), artifacts, r.getOffsetDateTime("created_at").toInstant());
  }

  static Artifact toArtifact(Row r) {
    return new Artifact(r.getString("id"), r.getString("release_id"), r.getString("name"), r.getLong("size"),
        r.getString("sha256"), r.getString("content_type"));
  }
}
