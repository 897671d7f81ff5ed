package io.shadowmq.shadow.firmware;

import io.shadowmq.shadow.store.PostgresConfig;
import io.shadowmq.shadow.store.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Releases, artifact bytes and link keys in a real PostgreSQL. */
@Timeout(60)
class ReleaseStorePgTest {
  private final Vertx vertx = Vertx.vertx();
  private Pool pool;
  private ReleaseStorePg store;

  @BeforeEach
  void open() throws Exception {
    PostgresConfig db = TestPostgres.freshDatabase(vertx);
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(3)).connectingTo(db.connectOptions()).using(vertx).build();
    store = new ReleaseStorePg(pool, pool);
  }

  @AfterEach
  void close() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within 30 s", e);
    }
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private AsyncFile fileWith(byte[] content) throws Exception {
    Path file = Files.createTempFile("artifact", ".bin");
    Files.write(file, content);
    file.toFile().deleteOnExit();
    return await(vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true)));
  }

  private byte[] readAll(Artifact a) {
    Buffer all = Buffer.buffer();
    while (all.length() < a.size()) {
      Buffer part = await(store.read(a.id(), all.length(), 100_000));
      assertThat(part.length()).isPositive();
      all.appendBuffer(part);
    }
    return all.getBytes();
  }

  private long chunkRows() {
    return await(pool.query("SELECT count(*) FROM firmware_chunk").execute()).iterator().next().getLong(0);
  }

  @Test
  void aCreatedReleaseIsFoundListedAndDeleted() {
    Release a = await(store.create("gateway", "1.0.0", Map.of("model", "asg210"), "first"));
    Release b = await(store.create("gateway", "1.1.0", Map.of(), null));

    Release found = await(store.find(a.id()));
    assertThat(found.name()).isEqualTo("gateway");
    assertThat(found.version()).isEqualTo("1.0.0");
    assertThat(found.compatibility()).isEqualTo(Map.of("model", "asg210"));
    assertThat(found.notes()).isEqualTo("first");
    assertThat(found.artifacts()).isEmpty();
    assertThat(await(store.find("no-such-id"))).isNull();

    assertThat(await(store.list(null, 10)).stream().map(Release::id).toList()).containsExactly(a.id(), b.id());
    assertThat(await(store.list(null, 1)).stream().map(Release::id).toList()).containsExactly(a.id());
    assertThat(await(store.list(a.id(), 10)).stream().map(Release::id).toList()).containsExactly(b.id());
    assertThat(await(store.all())).hasSize(2);

    assertThat(await(store.delete(a.id()))).isTrue();
    assertThat(await(store.delete(a.id()))).isFalse();
    assertThat(await(store.find(a.id()))).isNull();
  }

  @Test
  void theSameNameAndVersionCannotBeCreatedTwice() {
    await(store.create("gateway", "1.0.0", Map.of(), ""));
    assertThatThrownBy(() -> await(store.create("gateway", "1.0.0", Map.of("model", "x"), "")))
        .isInstanceOf(ReleaseStore.ReleaseExistsException.class);
  }

  @Test
  void anArtifactOfSeveralChunksIsStoredAndReadBackByteForByte() throws Exception {
    Release r = await(store.create("gateway", "2.0.0", Map.of(), ""));
    byte[] content = randomBytes(3 * ReleaseStorePg.CHUNK_SIZE + 12345, 1);

    Artifact a = await(store.storeArtifact(new NewArtifact(r.id(), "rootfs.img", "application/octet-stream",
        sha256(content), 10_000_000), fileWith(content)));

    assertThat(a.size()).isEqualTo(content.length);
    assertThat(a.sha256()).isEqualTo(sha256(content));
    assertThat(chunkRows()).isEqualTo(4);
    assertThat(await(store.findArtifact(a.id()))).isEqualTo(a);
    assertThat(await(store.find(r.id())).artifacts()).containsExactly(a);
    assertThat(readAll(a)).isEqualTo(content);
    // a read from the middle of a chunk stops at the chunk's end
    Buffer middle = await(store.read(a.id(), ReleaseStorePg.CHUNK_SIZE + 10, 1_000_000));
    assertThat(middle.length()).isEqualTo(ReleaseStorePg.CHUNK_SIZE - 10);
    assertThat(middle.getBytes()).isEqualTo(java.util.Arrays.copyOfRange(content, ReleaseStorePg.CHUNK_SIZE + 10,
        2 * ReleaseStorePg.CHUNK_SIZE));
    assertThat(await(store.read(a.id(), content.length, 100)).length()).isZero();

    assertThat(await(store.delete(r.id()))).isTrue();
    assertThat(await(store.findArtifact(a.id()))).isNull();
    assertThat(chunkRows()).isZero();
  }

  @Test
  void aChecksumMismatchKeepsNothing() throws Exception {
    Release r = await(store.create("gateway", "2.0.0", Map.of(), ""));
    byte[] content = randomBytes(ReleaseStorePg.CHUNK_SIZE * 2, 2);
    String wrong = sha256(new byte[] {1});

    assertThatThrownBy(() -> await(store.storeArtifact(new NewArtifact(r.id(), "img", "application/octet-stream",
        wrong, 10_000_000), fileWith(content))))
        .isInstanceOf(ReleaseStore.ChecksumMismatchException.class).hasMessageContaining(sha256(content));
    assertThat(await(store.find(r.id())).artifacts()).isEmpty();
    assertThat(chunkRows()).isZero();
    // the name is free: the same upload with the right checksum succeeds
    assertThat(await(store.storeArtifact(new NewArtifact(r.id(), "img", "application/octet-stream", sha256(content),
        10_000_000), fileWith(content))).size()).isEqualTo(content.length);
  }

  @Test
  void anUploadPastTheLimitKeepsNothing() throws Exception {
    Release r = await(store.create("gateway", "2.0.0", Map.of(), ""));
    byte[] content = randomBytes(ReleaseStorePg.CHUNK_SIZE * 3, 3);

    assertThatThrownBy(() -> await(store.storeArtifact(new NewArtifact(r.id(), "img", "application/octet-stream",
        null, ReleaseStorePg.CHUNK_SIZE * 2L), fileWith(content))))
        .isInstanceOf(ReleaseStore.ArtifactTooLargeException.class);
    assertThat(await(store.find(r.id())).artifacts()).isEmpty();
    assertThat(chunkRows()).isZero();
  }

  @Test
  void anArtifactNameIsTakenOnceAndOnlyInAnExistingRelease() throws Exception {
    Release r = await(store.create("gateway", "2.0.0", Map.of(), ""));
    byte[] content = randomBytes(1000, 4);
    await(store.storeArtifact(new NewArtifact(r.id(), "img", "application/x-tar", null, 10_000), fileWith(content)));

    assertThatThrownBy(() -> await(store.storeArtifact(new NewArtifact(r.id(), "img", "application/x-tar", null,
        10_000), fileWith(content)))).isInstanceOf(ReleaseStore.ArtifactExistsException.class);
    assertThatThrownBy(() -> await(store.storeArtifact(new NewArtifact("missing", "img", "application/x-tar", null,
        10_000), fileWith(content)))).isInstanceOf(ReleaseStore.ReleaseNotFoundException.class);
    assertThat(await(store.find(r.id())).artifacts()).singleElement()
        .satisfies(a -> assertThat(a.contentType()).isEqualTo("application/x-tar"));
  }

  @Test
  void anEmptyArtifactHasTheEmptyChecksum() throws Exception {
    Release r = await(store.create("gateway", "2.0.0", Map.of(), ""));
    Artifact a = await(store.storeArtifact(new NewArtifact(r.id(), "empty", "application/octet-stream", null, 10),
        fileWith(new byte[0])));
    assertThat(a.size()).isZero();
    assertThat(a.sha256()).isEqualTo(sha256(new byte[0]));
  }

  @Test
  void linkKeysAreCreatedOnceAndRotationKeepsThePreviousOne() {
    LinkSecretStorePg secrets = new LinkSecretStorePg(pool);
    LinkSecrets first = await(secrets.load());
    assertThat(first.previous()).isNull();
    assertThat(await(secrets.load())).isEqualTo(first);

    LinkSecrets second = await(secrets.rotate());
    assertThat(second.previous()).isEqualTo(first.current());
    assertThat(second.current()).isNotEqualTo(first.current());
    LinkSecrets third = await(secrets.rotate());
    assertThat(third.previous()).isEqualTo(second.current());
    assertThat(await(secrets.load())).isEqualTo(third);
    assertThat(await(secrets.current())).isEqualTo(third);
    assertThat(await(pool.query("SELECT count(*) FROM download_link_secret").execute()).iterator().next().getLong(0))
        .isEqualTo(2);
  }

  @Test
  void aReleaseFitsTheDevicesWhoseTagsHoldItsSelector() {
    Release r = new Release("id", "gw", "1.0.0", Map.of("model", "asg210"), "", List.of(), java.time.Instant.now());
    assertThat(r.fits(Map.of("model", "asg210", "site", "berlin"))).isTrue();
    assertThat(r.fits(Map.of("model", "asg200"))).isFalse();
    assertThat(r.fits(Map.of())).isFalse();
    assertThat(new Release("id", "gw", "1", Map.of(), "", List.of(), java.time.Instant.now()).fits(Map.of())).isTrue();
  }
}
