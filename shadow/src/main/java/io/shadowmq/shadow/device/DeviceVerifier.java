package io.shadowmq.shadow.device;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks device credentials against the registry. The slow password hash runs on a small worker
 * pool of its own (never on an event loop), at most {@code maxPendingHashes} at a time; a password
 * that verified is remembered for a while (keyed by the stored hash, so a changed password is
 * never matched by the old one), so a fleet reconnecting at once costs one look-up per device.
 * Successful logins are recorded as last-seen times in batches.
 */
public final class DeviceVerifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceVerifier.class);
  private static final long SEEN_FLUSH_MILLIS = 5000;

  /** What a login with these credentials comes to. */
  public enum Outcome {
    /** The credentials are right and the device is enabled. */
    ACCEPTED,
    /** Unknown device, no password registered, or the wrong password. */
    BAD_CREDENTIALS,
    /** The credentials are right but the device is disabled. */
    DISABLED
  }

  /** An outcome and the device it is about (null when there is no such device). */
  public record Verdict(Outcome outcome, Device device) {
  }

  /** Too many password checks are waiting: the caller should refuse this login now. */
  public static final class BusyException extends RuntimeException {
    BusyException() {
      super("too many password checks in progress", null, false, false);
    }
  }

  private final Vertx vertx;
  private final DeviceStore store;
  private final WorkerExecutor hashing;
  private final int maxPendingHashes;
  private final AtomicInteger pendingHashes = new AtomicInteger();
  private final Cache<String, Boolean> verified;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final long seenTimer;

  /**
   * @param hashThreads      threads for password hashing (one per core is plenty: the work is CPU only)
   * @param maxPendingHashes password checks running or queued at once; more are refused
   * @param cacheTtl         how long a verified password is remembered
   */
  public DeviceVerifier(Vertx vertx, DeviceStore store, int hashThreads, int maxPendingHashes, Duration cacheTtl) {
    this.vertx = vertx;
    this.store = store;
    this.hashing = vertx.createSharedWorkerExecutor("shadowmq-password-hash", hashThreads);
    this.maxPendingHashes = maxPendingHashes;
    this.verified = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(cacheTtl).build();
    this.seenTimer = vertx.setPeriodic(SEEN_FLUSH_MILLIS, id -> flushSeen());
  }

  /** The registered device with this id, or null. */
  public Future<Device> device(String id) {
    return store.find(id);
  }

  /** Checks a device's password; fails with {@link BusyException} when too many checks are waiting. */
  public Future<Verdict> checkPassword(String id, byte[] password) {
    return store.find(id).compose(device -> {
      if (device == null || device.passwordHash() == null || password == null) {
        return Future.succeededFuture(new Verdict(Outcome.BAD_CREDENTIALS, device));
      }
      String given = new String(password, StandardCharsets.UTF_8);
      String key = cacheKey(device.passwordHash(), given);
      if (verified.getIfPresent(key) != null) {
        return Future.succeededFuture(verdictFor(device));
      }
      if (pendingHashes.incrementAndGet() > maxPendingHashes) {
        pendingHashes.decrementAndGet();
        return Future.failedFuture(new BusyException());
      }
      return hashing.executeBlocking(() -> PasswordHasher.verify(given, device.passwordHash()), false)
          .eventually(() -> {
            pendingHashes.decrementAndGet();
            return Future.succeededFuture();
          })
          .map(ok -> {
            if (!ok) {
              return new Verdict(Outcome.BAD_CREDENTIALS, device);
            }
            verified.put(key, Boolean.TRUE);
            return verdictFor(device);
          });
    });
  }

  /** The outcome for a device whose credentials were right. */
  private static Verdict verdictFor(Device device) {
    return new Verdict(device.enabled() ? Outcome.ACCEPTED : Outcome.DISABLED, device);
  }

  /** Records a successful login; written with the next batch. */
  public void seen(String id) {
    seen.add(id);
  }

  private Future<Void> flushSeen() {
    if (seen.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> ids = new ArrayList<>(seen);
    seen.removeAll(ids);
    return store.markSeen(ids).onFailure(e -> LOG.debug("last-seen times not written: {}", e.toString()));
  }

  private static String cacheKey(String storedHash, String password) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(storedHash.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(password.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** Writes the pending last-seen times and releases the hashing threads. */
  @Override
  public void close() {
    vertx.cancelTimer(seenTimer);
    try {
      flushSeen().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("last-seen times not written at shutdown: {}", e.toString());
    }
    hashing.close();
  }
}
