package io.shadowmq.shadow.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link AdminTokenStore} must do; run against each implementation. */
@Timeout(60)
abstract class AdminTokenStoreContract {
  protected Vertx vertx = Vertx.vertx();
  protected AdminTokenStore store;

  protected abstract AdminTokenStore open() throws Exception;

  protected abstract void closeStore() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    store = open();
  }

  @AfterEach
  void tearDown() throws Exception {
    closeStore();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> f) {
    try {
      return f.await(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within 10 s", e);
    }
  }

  static AdminToken token(String id, AdminRole role) {
    return new AdminToken(id, role, "token " + id, null);
  }

  @Test
  void aStoredTokenIsFoundByItsHashWithItsRole() {
    assertThat(await(store.add(token("t1", AdminRole.READ_ONLY), "hash-1"))).isTrue();

    AdminToken found = await(store.findByHash("hash-1"));
    assertThat(found.id()).isEqualTo("t1");
    assertThat(found.role()).isEqualTo(AdminRole.READ_ONLY);
    assertThat(found.name()).isEqualTo("token t1");
    assertThat(found.createdAt()).isNotNull();
    assertThat(await(store.findByHash("hash-2"))).isNull();
  }

  @Test
  void addingAKnownHashAgainChangesNothing() {
    await(store.add(token("t1", AdminRole.ADMIN), "hash-1"));
    assertThat(await(store.add(token("t2", AdminRole.READ_ONLY), "hash-1"))).isFalse();
    assertThat(await(store.findByHash("hash-1")).role()).isEqualTo(AdminRole.ADMIN);
    assertThat(await(store.list())).hasSize(1);
  }

  @Test
  void onlyTheFirstOfConcurrentFirstTokensIsStored() throws Exception {
    List<Future<Boolean>> attempts = List.of(
        store.addIfNoneExists(token("a", AdminRole.ADMIN), "hash-a"),
        store.addIfNoneExists(token("b", AdminRole.ADMIN), "hash-b"),
        store.addIfNoneExists(token("c", AdminRole.ADMIN), "hash-c"));
    Future.all(attempts).await(10, TimeUnit.SECONDS);

    assertThat(attempts.stream().filter(Future::result).count()).isEqualTo(1);
    assertThat(await(store.list())).hasSize(1);
    assertThat(await(store.addIfNoneExists(token("d", AdminRole.ADMIN), "hash-d"))).isFalse();
  }

  @Test
  void aRemovedTokenIsNotFoundAnyMore() {
    await(store.add(token("t1", AdminRole.ADMIN), "hash-1"));
    assertThat(await(store.remove("t1"))).isTrue();
    assertThat(await(store.findByHash("hash-1"))).isNull();
    assertThat(await(store.remove("t1"))).isFalse();
  }
}
