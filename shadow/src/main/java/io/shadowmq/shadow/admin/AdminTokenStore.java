package io.shadowmq.shadow.admin;

import io.vertx.core.Future;

import java.util.List;

/** Admin API tokens, stored as hashes. Every change is committed before its future completes. */
public interface AdminTokenStore {

  /** Stores a token's hash; a hash stored already is left as it is (false). */
  Future<Boolean> add(AdminToken token, String tokenHash);

  /** Stores the token only when there is no token at all yet (true); atomic across nodes. */
  Future<Boolean> addIfNoneExists(AdminToken token, String tokenHash);

  /** The token with this hash, or null. */
  Future<AdminToken> findByHash(String tokenHash);

  /** Every token, oldest first. */
  Future<List<AdminToken>> list();

  /** Revokes a token; false when there was none with this id. */
  Future<Boolean> remove(String id);
}
