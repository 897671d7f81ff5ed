package io.shadowmq.shadow.firmware;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.List;
import java.util.Map;

/**
 * Firmware releases and their artifacts, bytes included. Every change is committed before its
 * future completes; an artifact is visible only once all its bytes are stored and checked.
 */
public interface ReleaseStore {

  /** Creates a release without artifacts; fails with {@link ReleaseExistsException} when name and version are taken. */
  Future<Release> create(String name, String version, Map<String, String> compatibility, String notes);

  /** The release with its artifacts, or null. */
  Future<Release> find(String id);

  /** A page of releases, oldest first, after the release {@code afterId} (null: from the first). */
  Future<List<Release>> list(String afterId, int limit);

  /** Every release (a fleet has tens or hundreds, not millions), oldest first. */
  Future<List<Release>> all();

  /** Deletes a release, its artifacts and their bytes; false when there was none. */
  Future<Boolean> delete(String id);

  /** The artifact with this id, or null. */
  Future<Artifact> findArtifact(String artifactId);

  /**
   * Stores an artifact's bytes as they arrive, never holding more than a few chunks in memory, and
   * computes their SHA-256 on the way; the body is paused while PostgreSQL catches up. Fails with
   * {@link ReleaseNotFoundException}, {@link ArtifactExistsException}, {@link ArtifactTooLargeException}
   * or {@link ChecksumMismatchException}, and then keeps nothing.
   */
  Future<Artifact> storeArtifact(NewArtifact artifact, ReadStream<Buffer> body);

  /**
   * Up to {@code maxLength} bytes of an artifact from {@code offset} on (fewer at a chunk's end:
   * call again for the rest); an empty buffer past the end.
   */
  Future<Buffer> read(String artifactId, long offset, int maxLength);

  /** The release exists already (same name and version). */
  final class ReleaseExistsException extends IllegalStateException {
    public ReleaseExistsException(String name, String version) {
      super("release " + name + " " + version + " exists already");
    }
  }

  /** There is no release to put the artifact in. */
  final class ReleaseNotFoundException extends IllegalStateException {
    public ReleaseNotFoundException(String id) {
      super("no release " + id);
    }
  }

  /** The release has an artifact of this name already (artifacts are immutable). */
  final class ArtifactExistsException extends IllegalStateException {
    public ArtifactExistsException(String name) {
      super("the release has an artifact " + name + " already");
    }
  }

  /** The upload went past its size limit. */
  final class ArtifactTooLargeException extends IllegalStateException {
    public ArtifactTooLargeException(long limit) {
      super("an artifact may have " + limit + " bytes at most");
    }

  }

  /** The bytes that arrived do not have the SHA-256 the sender gave. */
  final class ChecksumMismatchException extends IllegalStateException {
    public ChecksumMismatchException(String expected, String actual) {
      super("the body's SHA-256 is " + actual + ", not " + expected);
    }
  }
}
