package io.shadowmq.shadow.group;

import io.vertx.core.Future;

import java.util.List;
import java.util.Map;

/** Device groups. Every change is committed before its future completes. */
public interface GroupStore {

  /** Stores a new group; false when the name is taken. */
  Future<Boolean> add(DeviceGroup group);

  /** The group, or null. */
  Future<DeviceGroup> find(String name);

  /** Every group, by name. */
  Future<List<DeviceGroup>> list();

  /** Replaces a group's selector; the changed group, or null when there is none. */
  Future<DeviceGroup> updateSelector(String name, Map<String, String> selector);

  /** Removes a group (not its devices); false when there was none. */
  Future<Boolean> remove(String name);
}
