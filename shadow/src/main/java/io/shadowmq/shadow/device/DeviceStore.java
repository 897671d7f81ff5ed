package io.shadowmq.shadow.device;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;

/** The device registry: devices and their credentials. Every change is committed before its future completes. */
public interface DeviceStore {

  /** Registers a new device; fails with {@link DeviceExistsException} when the id is taken. */
  Future<Void> add(Device device);

  /** The device, or null when there is none with this id. */
  Future<Device> find(String id);

  /** Every device, ordered by id. */
  Future<List<Device>> list();

  /** A page of devices in id order (see {@link DeviceQuery}). */
  Future<List<Device>> page(DeviceQuery query);

  /** Replaces a device's tags and enabled flag; the changed device, or null when there is none. */
  Future<Device> update(String id, java.util.Map<String, String> tags, boolean enabled);

  /** Replaces a device's password hash; false when there is no such device. */
  Future<Boolean> setPasswordHash(String id, String passwordHash);

  /** How many devices there are, enabled or not. */
  Future<Long> count();

  /** Enables or disables a device; false when there is no such device. */
  Future<Boolean> setEnabled(String id, boolean enabled);

  /** Removes a device; false when there was none. */
  Future<Boolean> remove(String id);

  /** Records that these devices logged in now. */
  Future<Void> markSeen(Collection<String> ids);

  /** Thrown by {@link #add} for an id that is already registered. */
  final class DeviceExistsException extends IllegalStateException {
    public DeviceExistsException(String id) {
      super("device " + id + " already exists");
    }
  }
}
