package io.shadowmq.shadow.store;

import io.shadowmq.shadow.state.Shadow;
import io.shadowmq.shadow.state.ShadowKey;
import io.vertx.core.Future;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** Shadows kept in memory, for a node run without PostgreSQL ({@code --in-memory}): lost on restart. */
public final class ShadowStoreInMemory implements ShadowStore {
  private final ConcurrentHashMap<ShadowKey, Shadow> shadows = new ConcurrentHashMap<>();

  @Override
  public Future<Shadow> load(ShadowKey key) {
    return Future.succeededFuture(shadows.get(key));
  }

  @Override
  public Future<Void> save(ShadowKey key, Shadow shadow) {
    shadows.merge(key, shadow, (old, now) -> old.version() > now.version() ? old : now);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<String>> names(String thing) {
    return Future.succeededFuture(shadows.entrySet().stream()
        .filter(e -> e.getKey().thing().equals(thing) && !e.getKey().isClassic() && e.getValue().exists())
        .map(e -> e.getKey().shadow()).sorted().toList());
  }
}
