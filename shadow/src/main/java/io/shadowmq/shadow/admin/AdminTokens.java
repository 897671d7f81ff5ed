package io.shadowmq.shadow.admin;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Admin API bearer tokens: made, stored as SHA-256 hashes, and checked. A token is 32 random bytes,
 * so a fast hash is safe to store (nobody can guess the input) and lets every request be checked
 * with one index look-up. On first start with no token at all, one admin token is generated into
 * {@code <data-dir>/admin-token} (mode 0600); {@code --admin-token-file} supplies one instead.
 */
public final class AdminTokens {
  private static final Logger LOG = LoggerFactory.getLogger(AdminTokens.class);
  /** Tokens shorter than this (from --admin-token-file) are refused: they could be guessed. */
  public static final int MIN_LENGTH = 32;
  private static final String PREFIX = "smq_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AdminTokenStore store;

  public AdminTokens(AdminTokenStore store) {
    this.store = store;
  }

  /** A new token: {@code smq_} and 32 random bytes, base64url. */
  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The hash a token is stored as: SHA-256, hex. */
  public static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** A token just made: its stored record and the token itself, to be shown once. */
  public record Created(AdminToken stored, String token) {
  }

  /** Stores a new token with this role and name; returns it, to be shown once. */
  public Future<Created> create(AdminRole role, String name) {
    String token = generate();
    AdminToken stored = new AdminToken(newId(), role, name, java.time.Instant.now());
    return store.add(stored, hash(token)).map(added -> new Created(stored, token));
  }

  /** The stored token a bearer token is, or null when it is unknown (or no token was given). */
  public Future<AdminToken> verify(String bearer) {
    if (bearer == null || bearer.length() < MIN_LENGTH) {
      return Future.succeededFuture(null);
    }
    return store.findByHash(hash(bearer));
  }

  /** Every token, oldest first (never the tokens themselves). */
  public Future<java.util.List<AdminToken>> list() {
    return store.list();
  }

  /** Revokes a token; false when there is none with this id. */
  public Future<Boolean> revoke(String id) {
    return store.remove(id);
  }

  /**
   * At start-up (blocking): registers the token of {@code tokenFile} as an admin token, or, without
   * one, generates an admin token into {@code <dataDir>/admin-token} when the store holds none.
   */
  public void bootstrap(Path dataDir, Path tokenFile) throws IOException {
    if (tokenFile != null) {
      String token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
      if (token.length() < MIN_LENGTH) {
        throw new IllegalArgumentException("--admin-token-file " + tokenFile + ": a token has at least " + MIN_LENGTH
            + " characters");
      }
      boolean added = await(store.add(new AdminToken(newId(), AdminRole.ADMIN, "--admin-token-file", null), hash(token)));
      LOG.info("admin token from {} {}", tokenFile.toAbsolutePath(), added ? "registered (role admin)" : "is registered");
      return;
    }
    String token = generate();
    AdminToken first = new AdminToken(newId(), AdminRole.ADMIN, "generated at first start", null);
    if (!await(store.addIfNoneExists(first, hash(token)))) {
      return;
    }
    Path file = dataDir.resolve("admin-token");
    try {
      writePrivate(file, token);
    } catch (IOException e) {
      await(store.remove(first.id()));
      throw new IOException("could not write the generated admin token to " + file + ": " + e.getMessage(), e);
    }
    LOG.warn("no admin token existed: generated one with role admin in {} (readable by this user only)",
        file.toAbsolutePath());
  }

  private static void writePrivate(Path file, String token) throws IOException {
    Files.deleteIfExists(file); // a stale file from a wiped database; its token is not in the store
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      throw new IOException(file + " appeared while it was being written", e);
    }
    Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static String newId() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return "tok-" + HexFormat.of().formatHex(bytes);
  }

  private static <T> T await(Future<T> f) throws IOException {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("the admin token store did not answer within 30 s", e);
    }
  }
}
