package io.shadowmq.shadow.service;

import io.shadowmq.shadow.state.Shadow;
import io.shadowmq.shadow.state.ShadowEngine;
import io.shadowmq.shadow.state.ShadowError;
import io.shadowmq.shadow.state.ShadowKey;
import io.shadowmq.shadow.state.ShadowOutcome;
import io.shadowmq.shadow.state.ShadowRequest;
import io.shadowmq.shadow.store.ShadowStore;
import io.shadowmq.shadow.store.StorageBusyException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.DatabaseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The things of one shard, served on one Vert.x context so that nothing here needs a lock: the
 * operations on a shadow run one at a time in arrival order (the next starts when the previous
 * one's change is committed), the hot shadows stay in an LRU cache (a miss loads from the store),
 * and each thing has its request rate bound.
 */
final class ShadowShard {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowShard.class);
  /** Idle entries looked at per insert when the cache is over its bound (busy ones are skipped). */
  private static final int EVICTION_SCAN = 16;

  /** One shadow's cached state and its queue of waiting operations. */
  private static final class Slot {
    Shadow shadow;
    boolean loaded;
    final SerialSteps steps = new SerialSteps(2);

    boolean idle() {
      return steps.idle();
    }
  }

  private final Context context;
  private final ShadowEngine engine;
  private final ShadowStore store;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final int cacheSize;
  private final ShadowChanges changes;
  private final LinkedHashMap<ShadowKey, Slot> slots = new LinkedHashMap<>(256, 0.75f, true);
  private final LinkedHashMap<String, TokenBucket> rates;

  ShadowShard(Context context, ShadowEngine engine, ShadowStore store, int cacheSize, Clock clock,
              LongSupplier nanoTime, ShadowChanges changes) {
    this.context = context;
    this.changes = changes;
    this.engine = engine;
    this.store = store;
    this.cacheSize = cacheSize;
    this.clock = clock;
    this.nanoTime = nanoTime;
    int maxBuckets = Math.max(1024, cacheSize);
    this.rates = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
        return size() > maxBuckets; // a thing unheard of for that long has its bucket full again anyway
      }
    };
  }

  Context context() {
    return context;
  }

  /** Serves a request; on this shard's context. */
  Future<ShadowOutcome> handle(ShadowRequest request) {
    String thing = request.key().thing();
    TokenBucket bucket = rates.get(thing);
    if (bucket == null) {
      bucket = new TokenBucket(engine.limits().requestsPerSecond(), engine.limits().burst(), nanoTime.getAsLong());
      rates.put(thing, bucket);
    }
    if (!bucket.tryTake(nanoTime.getAsLong())) {
      return Future.succeededFuture(engine.reject(request,
          ShadowError.tooManyRequests(engine.limits().requestsPerSecond(), engine.limits().burst()), now()));
    }
    return inOrder(request.key(), slot -> current(request.key(), slot)
        .compose(shadow -> {
          ShadowOutcome outcome = engine.apply(shadow, request, now());
          if (outcome.next() == null) {
            return Future.succeededFuture(outcome);
          }
          return store.save(request.key(), outcome.next())
              .map(v -> {
                slot.shadow = outcome.next();
                changes.fire(request.key(), shadow, outcome.next());
                return outcome;
              })
              .recover(failure -> {
                slot.loaded = false; // the save may or may not have committed: read it again next time
                return Future.failedFuture(failure);
              });
        })
        .recover(failure -> Future.succeededFuture(engine.reject(request, storageError(request.key(), failure), now()))));
  }

  /** The delta message of the shadow as it is once the operations before this one are done, or null. */
  Future<JsonObject> delta(ShadowKey key) {
    return inOrder(key, slot -> current(key, slot).map(shadow -> engine.deltaMessage(shadow, now())));
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }

  private Future<Shadow> current(ShadowKey key, Slot slot) {
    if (slot.loaded) {
      return Future.succeededFuture(slot.shadow);
    }
    return store.load(key).map(shadow -> {
      slot.shadow = shadow;
      slot.loaded = true;
      return shadow;
    });
  }

  /** Runs {@code op} once every earlier operation on the shadow has finished. */
  private <T> Future<T> inOrder(ShadowKey key, Function<Slot, Future<T>> op) {
    Slot slot = slots.get(key);
    if (slot == null) {
      slot = new Slot();
      slots.put(key, slot);
      evictIdle();
    }
    Slot s = slot;
    return s.steps.run(() -> op.apply(s));
  }

  private void evictIdle() {
    if (slots.size() <= cacheSize) {
      return;
    }
    Iterator<Slot> eldestFirst = slots.values().iterator();
    for (int scanned = 0; scanned < EVICTION_SCAN && slots.size() > cacheSize && eldestFirst.hasNext(); scanned++) {
      if (eldestFirst.next().idle()) {
        eldestFirst.remove();
      }
    }
  }

  int cachedShadows() {
    return slots.size();
  }

  /** 503 while the store cannot take the write (queue full, database unreachable); 500 when the database refused it. */
  private static ShadowError storageError(ShadowKey key, Throwable failure) {
    if (failure instanceof DatabaseException) {
      LOG.warn("shadow {}: the database refused the change: {}", key, failure.toString());
      return ShadowError.INTERNAL_FAILURE;
    }
    if (!(failure instanceof StorageBusyException)) {
      LOG.debug("shadow {}: storage unavailable: {}", key, failure.toString());
    }
    return ShadowError.SERVICE_UNAVAILABLE;
  }
}
