package io.shadowmq.broker.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slows down, then refuses for a while, logins after repeated failures for one client id or from
 * one address. From the second failure on, each new attempt waits 250 ms, doubling per failure up
 * to 5 s; at {@code limit} failures for a client id (ten times that for an address, since many
 * devices may share one behind NAT) attempts are refused until {@code blockFor} has passed since
 * the last failure. A successful login clears its client id's count. Memory is bounded: at most
 * {@value #MAX_TRACKED} client ids and as many addresses are tracked, the least recent dropped.
 */
public final class LoginThrottle {
  static final int MAX_TRACKED = 100_000;
  private static final long FIRST_DELAY_MILLIS = 250;
  private static final long MAX_DELAY_MILLIS = 5000;
  private static final int ADDRESS_FACTOR = 10;

  /** What to do with a new login attempt. */
  public record Verdict(boolean refused, long delayMillis) {
    static final Verdict GO = new Verdict(false, 0);
    static final Verdict REFUSED = new Verdict(true, 0);
  }

  private final int limit;
  private final Cache<String, AtomicInteger> byClientId;
  private final Cache<String, AtomicInteger> byAddress;

  /** @param limit failures for one client id before it is refused; 0 turns throttling off */
  public LoginThrottle(int limit, Duration blockFor) {
    this.limit = limit;
    this.byClientId = Caffeine.newBuilder().maximumSize(MAX_TRACKED).expireAfterWrite(blockFor).build();
    this.byAddress = Caffeine.newBuilder().maximumSize(MAX_TRACKED).expireAfterWrite(blockFor).build();
  }

  /** Whether an attempt may go ahead now, after a delay, or not at all. */
  public Verdict check(String address, String clientId) {
    if (limit <= 0) {
      return Verdict.GO;
    }
    int idFailures = count(byClientId, clientId);
    int addressFailures = count(byAddress, address);
    if (idFailures >= limit || addressFailures >= limit * ADDRESS_FACTOR) {
      return Verdict.REFUSED;
    }
    int failures = Math.max(idFailures, addressFailures / ADDRESS_FACTOR);
    if (failures < 2) {
      return Verdict.GO;
    }
    long delay = FIRST_DELAY_MILLIS << Math.min(failures - 2, 10);
    return new Verdict(false, Math.min(MAX_DELAY_MILLIS, delay));
  }

  public void failed(String address, String clientId) {
    if (limit <= 0) {
      return;
    }
    increment(byClientId, clientId);
    increment(byAddress, address);
  }

  public void succeeded(String clientId) {
    byClientId.invalidate(clientId);
  }

  private static int count(Cache<String, AtomicInteger> cache, String key) {
    AtomicInteger n = key == null ? null : cache.getIfPresent(key);
    return n == null ? 0 : n.get();
  }

  private static void increment(Cache<String, AtomicInteger> cache, String key) {
    if (key == null) {
      return;
    }
    // put() after the increment restarts the expiry: the block lasts from the last failure
    AtomicInteger n = cache.get(key, k -> new AtomicInteger());
    n.incrementAndGet();
    cache.put(key, n);
  }
}
