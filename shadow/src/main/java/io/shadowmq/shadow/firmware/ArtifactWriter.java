package io.shadowmq.shadow.firmware;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One artifact upload: the body's bytes go into {@code firmware_chunk} one chunk per statement,
 * inside one transaction that also holds the artifact's row, so a failed or refused upload leaves
 * nothing behind. At most one chunk is being written while the next one fills; past that the body
 * is paused (back-pressure), so memory stays at about two chunks whatever the size.
 */
final class ArtifactWriter {
  private static final String UNIQUE_VIOLATION = "23505";

  private final Pool pool;
  private final NewArtifact artifact;
  private final String id;
  private final int chunkSize;
  private final MessageDigest sha256;
  private final Promise<Artifact> result = Promise.promise();
  private SqlConnection conn;
  private Transaction tx;
  private ReadStream<Buffer> body;
  private Buffer pending = Buffer.buffer();
  private long size;
  private int nextSeq;
  private boolean ready; // the transaction is open and the artifact's row inserted
  private boolean writing;
  private boolean ended;

  ArtifactWriter(Pool pool, NewArtifact artifact, String id, int chunkSize) {
    this.pool = pool;
    this.artifact = artifact;
    this.id = id;
    this.chunkSize = chunkSize;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  Future<Artifact> write(ReadStream<Buffer> body) {
    this.body = body;
    body.pause();
    body.handler(this::received);
    body.exceptionHandler(this::fail);
    body.endHandler(v -> {
      ended = true;
      pump();
    });
    pool.getConnection()
        .compose(c -> {
          conn = c;
          return c.begin();
        })
        .compose(t -> {
          tx = t;
          // FOR SHARE: the release cannot be deleted while its artifact is being stored.
          return conn.preparedQuery("SELECT 1 FROM firmware_release WHERE id = $1 FOR SHARE")
              .execute(Tuple.of(artifact.releaseId()));
        })
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(new ReleaseStore.ReleaseNotFoundException(
            artifact.releaseId())) : insertArtifactRow())
        .onSuccess(v -> {
          ready = true;
          pump();
          if (!ended && pending.length() < chunkSize) {
            body.resume();
          }
        })
        .onFailure(this::fail);
    return result.future();
  }

  private Future<Void> insertArtifactRow() {
    // Size and checksum are set when the last byte is stored; until the commit nobody sees the row.
    return conn.preparedQuery("INSERT INTO firmware_artifact (id, release_id, name, size, sha256, content_type) "
            + "VALUES ($1, $2, $3, 0, '', $4)")
        .execute(Tuple.of(id, artifact.releaseId(), artifact.name(), artifact.contentType()))
        .<Void>mapEmpty()
        .recover(e -> e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
            ? Future.failedFuture(new ReleaseStore.ArtifactExistsException(artifact.name())) : Future.failedFuture(e));
  }

  private void received(Buffer data) {
    if (result.future().isComplete()) {
      return; // refused already; the rest of the body is dropped
    }
    size += data.length();
    if (size > artifact.maxSize()) {
      fail(new ReleaseStore.ArtifactTooLargeException(artifact.maxSize()));
      return;
    }
    sha256.update(data.getBytes());
    pending.appendBuffer(data);
    pump();
  }

  /** Writes the next full chunk when none is being written, the last one at the end, or waits. */
  private void pump() {
    if (result.future().isComplete()) {
      return;
    }
    if (!ready || writing) {
      // The caller may have resumed the body before the transaction was open: keep at most a chunk.
      if (pending.length() >= chunkSize) {
        body.pause();
      }
      return;
    }
    if (pending.length() >= chunkSize || (ended && pending.length() > 0)) {
      int n = Math.min(chunkSize, pending.length());
      Buffer chunk = pending.getBuffer(0, n);
      pending = pending.getBuffer(n, pending.length());
      writing = true;
      conn.preparedQuery("INSERT INTO firmware_chunk (artifact_id, seq, data) VALUES ($1, $2, $3)")
          .execute(Tuple.of(id, nextSeq++, chunk))
          .onSuccess(v -> {
            writing = false;
            if (!ended && pending.length() < chunkSize) {
              body.resume();
            }
            pump();
          })
          .onFailure(this::fail);
    } else if (ended) {
      finish();
    }
  }

  private void finish() {
    String actual = HexFormat.of().formatHex(sha256.digest());
    if (artifact.expectedSha256() != null && !artifact.expectedSha256().equals(actual)) {
      fail(new ReleaseStore.ChecksumMismatchException(artifact.expectedSha256(), actual));
      return;
    }
    conn.preparedQuery("UPDATE firmware_artifact SET size = $2, sha256 = $3 WHERE id = $1")
        .execute(Tuple.of(id, size, actual))
        .compose(v -> tx.commit())
        .onSuccess(v -> {
          conn.close();
          result.tryComplete(new Artifact(id, artifact.releaseId(), artifact.name(), size, actual,
              artifact.contentType()));
        })
        .onFailure(this::fail);
  }

  private void fail(Throwable cause) {
    if (!result.tryFail(cause)) {
      return;
    }
    pending = Buffer.buffer();
    if (conn != null) {
      (tx != null ? tx.rollback() : Future.succeededFuture()).eventually(conn::close);
    }
  }
}
