package io.shadowmq.shadow.store;

import io.shadowmq.shadow.state.Shadow;
import io.shadowmq.shadow.state.ShadowKey;
import io.vertx.core.Future;

import java.util.List;

/**
 * Durable device shadows. A save completes only once it is committed, so a shadow request is
 * answered after its change is safe; a deleted shadow is saved too, to keep its version.
 */
public interface ShadowStore {

  /** The stored shadow (possibly a deleted one, with its version), or null when it was never stored. */
  Future<Shadow> load(ShadowKey key);

  /**
   * Stores the shadow, replacing an older version. Completes after the commit; fails with
   * {@link StorageBusyException} at once when too many saves are waiting.
   */
  Future<Void> save(ShadowKey key, Shadow shadow);

  /** The names of a thing's named shadows that exist (not deleted), in name order. */
  Future<List<String>> names(String thing);
}
