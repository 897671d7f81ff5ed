package io.shadowmq.shadow.admin;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admin tokens in memory, for a node run without PostgreSQL ({@code --in-memory}): the admin API
 * still needs its tokens, which are then lost on restart (a new one is generated at each start).
 */
public final class AdminTokenStoreInMemory implements AdminTokenStore {
  private final Map<String, AdminToken> byHash = new ConcurrentHashMap<>();

  @Override
  public synchronized Future<Boolean> add(AdminToken token, String tokenHash) {
    return Future.succeededFuture(byHash.putIfAbsent(tokenHash, stamped(token)) == null);
  }

  @Override
  public synchronized Future<Boolean> addIfNoneExists(AdminToken token, String tokenHash) {
    if (!byHash.isEmpty()) {
      return Future.succeededFuture(false);
    }
    byHash.put(tokenHash, stamped(token));
    return Future.succeededFuture(true);
  }

  @Override
  public Future<AdminToken> findByHash(String tokenHash) {
    return Future.succeededFuture(byHash.get(tokenHash));
  }

  @Override
  public Future<List<AdminToken>> list() {
    List<AdminToken> all = new ArrayList<>(byHash.values());
    all.sort(Comparator.comparing(AdminToken::createdAt).thenComparing(AdminToken::id));
    return Future.succeededFuture(all);
  }

  @Override
  public synchronized Future<Boolean> remove(String id) {
    return Future.succeededFuture(byHash.values().removeIf(t -> t.id().equals(id)));
  }

  private static AdminToken stamped(AdminToken t) {
    return t.createdAt() != null ? t : new AdminToken(t.id(), t.role(), t.name(), java.time.Instant.now());
  }
}
