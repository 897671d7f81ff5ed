package io.shadowmq.broker.security;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shadowmq.shadow.device.Device;
import io.shadowmq.shadow.device.PasswordHasher;
import io.shadowmq.shadow.store.Storage;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Registers devices in a data directory's registry before a broker starts on it, as an operator
 * does with {@code shadowmq device add} (the command itself is tested in DeviceCommandTest).
 */
final class Provision {
  private final List<Device> devices = new ArrayList<>();

  Provision device(String id, String password, Map<String, String> tags) {
    return add(id, password, tags, true, List.of());
  }

  Provision add(String id, String password, Map<String, String> tags, boolean enabled, List<String> fingerprints) {
    // A low iteration count keeps the tests fast; the broker reads the count from each hash.
    String hash = password == null ? null : PasswordHasher.hash(password, 5_000);
    devices.add(new Device(id, tags, enabled, Instant.now(), null, hash, fingerprints));
    return this;
  }

  void into(Path dataDir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Storage storage = Storage.start(vertx, new Storage.Options(null, dataDir, 1, 100, 1000, 1),
        new SimpleMeterRegistry())) {
      for (Device d : devices) {
        storage.devices().add(d).await(30, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
