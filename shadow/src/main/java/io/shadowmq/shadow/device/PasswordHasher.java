package io.shadowmq.shadow.device;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Slow salted password hashes: PBKDF2-HMAC-SHA256 from the JDK, a random 16-byte salt per device,
 * stored as {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (base64) so that the iteration count can
 * rise later without breaking stored hashes. Hashing takes a few hundred milliseconds by design:
 * call it off the event loop.
 */
public final class PasswordHasher {
  /** For passwords a person chose: OWASP's recommendation for PBKDF2-HMAC-SHA256 (2023). */
  public static final int CHOSEN_PASSWORD_ITERATIONS = 600_000;
  /**
   * For passwords the broker generates: 192 random bits cannot be guessed whatever the hash costs,
   * so a cheaper hash keeps reconnect storms of password devices affordable.
   */
  public static final int GENERATED_PASSWORD_ITERATIONS = 10_000;
  private static final String SCHEME = "pbkdf2-sha256";
  private static final SecureRandom RANDOM = new SecureRandom();

  private PasswordHasher() {
  }

  /** Hashes a password with a fresh salt. */
  public static String hash(String password, int iterations) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
        + b64.encodeToString(derive(password, salt, iterations));
  }

  /** True when {@code password} is the one {@code stored} was made from; compares in constant time. */
  public static boolean verify(String password, String stored) {
    String[] parts = stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      return false;
    }
    Base64.Decoder b64 = Base64.getDecoder();
    byte[] expected = b64.decode(parts[3]);
    byte[] actual = derive(password, b64.decode(parts[2]), Integer.parseInt(parts[1]));
    return MessageDigest.isEqual(expected, actual);
  }

  /** A new random password: 24 bytes (192 bits), base64url. */
  public static String generatePassword() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] derive(String password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java 17 runtime", e);
    } finally {
      spec.clearPassword();
    }
  }
}
