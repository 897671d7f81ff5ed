package io.shadowmq.shadow.service;

import io.shadowmq.shadow.state.Shadow;
import io.shadowmq.shadow.state.ShadowKey;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who hears of committed shadow changes (the rollout engine follows devices' reported firmware this
 * way, without polling). Listeners run on the thing's shard right after the commit: they must be
 * quick and must not block.
 */
public final class ShadowChanges {
  /** Hears of one committed change. */
  @FunctionalInterface
  public interface Listener {
    /** @param before the shadow before the change, or null when there was none */
    void changed(ShadowKey key, Shadow before, Shadow after);
  }

  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  public void add(Listener listener) {
    listeners.add(listener);
  }

  void fire(ShadowKey key, Shadow before, Shadow after) {
    for (Listener l : listeners) {
      l.changed(key, before, after);
    }
  }
}
