package io.shadowmq.shadow.device;

import io.shadowmq.shadow.store.PostgresConfig;
import io.shadowmq.shadow.store.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Password checks against a real registry in PostgreSQL. */
@Timeout(60)
class DeviceVerifierTest {
  private final Vertx vertx = Vertx.vertx();
  private Pool pool;
  private DeviceStorePg store;
  private DeviceVerifier verifier;

  @BeforeEach
  void setUp() throws Exception {
    PostgresConfig db = TestPostgres.freshDatabase(vertx);
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(db.connectOptions()).using(vertx).build();
    store = new DeviceStorePg(pool);
    verifier = new DeviceVerifier(vertx, store, 2, 4, Duration.ofMinutes(1));
  }

  @AfterEach
  void tearDown() throws Exception {
    verifier.close();
    pool.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void add(String id, String password, boolean enabled) throws Exception {
    add(id, password, enabled, 20_000);
  }

  private void add(String id, String password, boolean enabled, int iterations) throws Exception {
    store.add(new Device(id, Map.of(), enabled, Instant.now(), null, PasswordHasher.hash(password, iterations), List.of()))
        .await(10, TimeUnit.SECONDS);
  }

  private DeviceVerifier.Outcome check(String id, String password) throws Exception {
    return verifier.checkPassword(id, password.getBytes(StandardCharsets.UTF_8)).await(10, TimeUnit.SECONDS).outcome();
  }

  @Test
  void goodBadUnknownAndDisabledDevicesGetTheirOutcomes() throws Exception {
    add("pump-1", "s3cret-pump-1", true);
    add("pump-2", "s3cret-pump-2", false);

    assertThat(check("pump-1", "s3cret-pump-1")).isEqualTo(DeviceVerifier.Outcome.ACCEPTED);
    assertThat(check("pump-1", "s3cret-pump-2")).isEqualTo(DeviceVerifier.Outcome.BAD_CREDENTIALS);
    assertThat(check("nobody", "s3cret-pump-1")).isEqualTo(DeviceVerifier.Outcome.BAD_CREDENTIALS);
    assertThat(check("pump-2", "s3cret-pump-2")).isEqualTo(DeviceVerifier.Outcome.DISABLED);
    assertThat(check("pump-2", "wrong")).isEqualTo(DeviceVerifier.Outcome.BAD_CREDENTIALS);
  }

  @Test
  void aDeviceWithoutPasswordNeverPassesAPasswordCheck() throws Exception {
    store.add(Device.create("cert-only", Map.of(), null, List.of("ab".repeat(32)))).await(10, TimeUnit.SECONDS);
    assertThat(check("cert-only", "")).isEqualTo(DeviceVerifier.Outcome.BAD_CREDENTIALS);
  }

  @Test
  void aDeviceDisabledAfterItsPasswordWasCachedIsRefused() throws Exception {
    add("pump-1", "s3cret", true);
    assertThat(check("pump-1", "s3cret")).isEqualTo(DeviceVerifier.Outcome.ACCEPTED);

    store.setEnabled("pump-1", false).await(10, TimeUnit.SECONDS);

    assertThat(check("pump-1", "s3cret")).isEqualTo(DeviceVerifier.Outcome.DISABLED);
  }

  @Test
  void checksBeyondTheBoundAreRefusedAsBusy() throws Exception {
    // a slow hash, so that the first checks are still running when the later ones arrive
    add("pump-1", "s3cret", true, PasswordHasher.CHOSEN_PASSWORD_ITERATIONS);
    List<Future<DeviceVerifier.Verdict>> checks = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      checks.add(verifier.checkPassword("pump-1", ("wrong-" + i).getBytes(StandardCharsets.UTF_8)));
    }
    Future.join(new ArrayList<>(checks)).otherwiseEmpty().await(30, TimeUnit.SECONDS); // waits for all, busy ones included

    long busy = checks.stream().filter(f -> f.failed() && f.cause() instanceof DeviceVerifier.BusyException).count();
    long answered = checks.stream().filter(Future::succeeded).count();
    assertThat(busy).as("refused beyond 4 pending checks").isPositive();
    assertThat(answered).as("the first 4 are checked").isGreaterThanOrEqualTo(4);
    assertThat(busy + answered).isEqualTo(12);
  }

  @Test
  void successfulLoginsAreRecordedAsLastSeen() throws Exception {
    add("pump-1", "s3cret", true);
    verifier.seen("pump-1");
    await().atMost(Duration.ofSeconds(15)).until(() -> store.find("pump-1").await(5, TimeUnit.SECONDS).lastSeenAt() != null);
  }
}
