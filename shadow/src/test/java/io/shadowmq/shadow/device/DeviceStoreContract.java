package io.shadowmq.shadow.device;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link DeviceStore} must do; run against each implementation. */
@Timeout(60)
abstract class DeviceStoreContract {
  protected Vertx vertx = Vertx.vertx();
  protected DeviceStore store;

  /** A store on an empty registry. */
  protected abstract DeviceStore open() throws Exception;

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

  static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.await(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within 10 s", e);
    }
  }

  @Test
  void addedDeviceIsFoundWithEveryField() {
    Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Device d = new Device("pump-1", Map.of("site", "north", "model", "p2"), true, created, null, "pbkdf2-sha256$1$a$b",
        List.of("aa".repeat(32)));
    await(store.add(d));

    Device found = await(store.find("pump-1"));
    assertThat(found).isEqualTo(d);
    assertThat(await(store.find("pump-2"))).isNull();
  }

  @Test
  void addingAnExistingIdFailsAndKeepsTheFirstDevice() {
    await(store.add(Device.create("pump-1", Map.of(), "first", List.of())));
    assertThatThrownBy(() -> await(store.add(Device.create("pump-1", Map.of(), "second", List.of()))))
        .isInstanceOf(DeviceStore.DeviceExistsException.class);
    assertThat(await(store.find("pump-1")).passwordHash()).isEqualTo("first");
  }

  @Test
  void listIsOrderedByIdAndCountCountsEveryDevice() {
    await(store.add(Device.create("b", Map.of(), null, List.of())));
    await(store.add(Device.create("a", Map.of("k", "v"), null, List.of())));
    await(store.setEnabled("b", false));

    assertThat(await(store.list())).extracting(Device::id).containsExactly("a", "b");
    assertThat(await(store.count())).isEqualTo(2);
  }

  @Test
  void disableEnableAndRemoveSayWhetherTheDeviceExisted() {
    await(store.add(Device.create("pump-1", Map.of(), null, List.of())));

    assertThat(await(store.setEnabled("pump-1", false))).isTrue();
    assertThat(await(store.find("pump-1")).enabled()).isFalse();
    assertThat(await(store.setEnabled("pump-1", true))).isTrue();
    assertThat(await(store.find("pump-1")).enabled()).isTrue();
    assertThat(await(store.setEnabled("nobody", false))).isFalse();

    assertThat(await(store.remove("pump-1"))).isTrue();
    assertThat(await(store.find("pump-1"))).isNull();
    assertThat(await(store.remove("pump-1"))).isFalse();
  }

  @Test
  void markSeenSetsTheLastSeenTimeOfTheNamedDevicesOnly() {
    await(store.add(Device.create("a", Map.of(), null, List.of())));
    await(store.add(Device.create("b", Map.of(), null, List.of())));
    Instant before = Instant.now().minusSeconds(5);

    await(store.markSeen(List.of("a", "unknown")));

    assertThat(await(store.find("a")).lastSeenAt()).isAfter(before);
    assertThat(await(store.find("b")).lastSeenAt()).isNull();
  }
}
