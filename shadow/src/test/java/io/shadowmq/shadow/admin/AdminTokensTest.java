package io.shadowmq.shadow.admin;

import io.shadowmq.shadow.store.PostgresConfig;
import io.shadowmq.shadow.store.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Generating, supplying and checking admin tokens against a real PostgreSQL. */
@Timeout(60)
class AdminTokensTest {
  private final Vertx vertx = Vertx.vertx();
  private Pool pool;
  private AdminTokenStorePg store;
  private AdminTokens tokens;
  private Path dataDir;

  @BeforeEach
  void setUp() throws Exception {
    PostgresConfig db = TestPostgres.freshDatabase(vertx);
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(db.connectOptions()).using(vertx).build();
    store = new AdminTokenStorePg(pool);
    tokens = new AdminTokens(store);
    dataDir = Files.createTempDirectory("shadowmq-admin");
  }

  @AfterEach
  void tearDown() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private AdminRole verify(String token) throws Exception {
    AdminToken found = tokens.verify(token).await(10, TimeUnit.SECONDS);
    return found == null ? null : found.role();
  }

  @Test
  void firstStartWritesAnAdminTokenReadableByTheOwnerOnlyAndLaterStartsKeepIt() throws Exception {
    tokens.bootstrap(dataDir, null);

    Path file = dataDir.resolve("admin-token");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    String token = Files.readString(file).trim();
    assertThat(token).startsWith("smq_").hasSizeGreaterThan(40);
    assertThat(verify(token)).isEqualTo(AdminRole.ADMIN);

    tokens.bootstrap(dataDir, null);
    assertThat(Files.readString(file).trim()).as("not replaced on the next start").isEqualTo(token);
    assertThat(store.list().await(10, TimeUnit.SECONDS)).hasSize(1);
  }

  @Test
  void aTokenFileSuppliesTheAdminTokenAndNothingIsGenerated() throws Exception {
    Path supplied = Files.createTempFile("token", ".txt");
    String token = AdminTokens.generate();
    Files.writeString(supplied, token + "\n");

    tokens.bootstrap(dataDir, supplied);
    tokens.bootstrap(dataDir, supplied);

    assertThat(verify(token)).isEqualTo(AdminRole.ADMIN);
    assertThat(dataDir.resolve("admin-token")).doesNotExist();
    assertThat(store.list().await(10, TimeUnit.SECONDS)).hasSize(1);
  }

  @Test
  void aShortTokenFileIsRefused() throws Exception {
    Path supplied = Files.createTempFile("token", ".txt");
    Files.writeString(supplied, "admin\n");
    assertThatThrownBy(() -> tokens.bootstrap(dataDir, supplied)).hasMessageContaining("at least 32 characters");
  }

  @Test
  void rolesAreTheStoredOnesAndUnknownOrMissingTokensHaveNone() throws Exception {
    String reader = tokens.create(AdminRole.READ_ONLY, "dashboard").await(10, TimeUnit.SECONDS).token();
    String admin = tokens.create(AdminRole.ADMIN, "ops").await(10, TimeUnit.SECONDS).token();

    assertThat(verify(reader)).isEqualTo(AdminRole.READ_ONLY);
    assertThat(verify(admin)).isEqualTo(AdminRole.ADMIN);
    assertThat(verify(AdminTokens.generate())).isNull();
    assertThat(verify(admin.substring(0, admin.length() - 1) + "x")).isNull();
    assertThat(verify(null)).isNull();
    assertThat(verify("")).isNull();
  }

  @Test
  void aRevokedTokenIsUnknownAtOnceAndListedNoMore() throws Exception {
    AdminTokens.Created made = tokens.create(AdminRole.ADMIN, "ci").await(10, TimeUnit.SECONDS);
    assertThat(tokens.list().await(10, TimeUnit.SECONDS)).extracting(AdminToken::id).contains(made.stored().id());

    assertThat(tokens.revoke(made.stored().id()).await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(verify(made.token())).isNull();
    assertThat(tokens.list().await(10, TimeUnit.SECONDS)).extracting(AdminToken::id).doesNotContain(made.stored().id());
    assertThat(tokens.revoke(made.stored().id()).await(10, TimeUnit.SECONDS)).isFalse();
  }
}
