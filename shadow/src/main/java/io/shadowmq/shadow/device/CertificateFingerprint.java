package io.shadowmq.shadow.device;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/** The SHA-256 fingerprint of a certificate, as the registry stores it: 64 lower-case hex digits. */
public final class CertificateFingerprint {
  private CertificateFingerprint() {
  }

  public static String of(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalArgumentException("cannot fingerprint the certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Normalises a fingerprint as people write it ({@code AB:CD:...}, as {@code openssl x509
   * -fingerprint -sha256} prints it, or plain hex); throws when it is not 32 bytes of hex.
   */
  public static String normalise(String written) {
    String hex = written.replace(":", "").trim().toLowerCase(Locale.ROOT);
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("a SHA-256 fingerprint is 64 hex digits (colons allowed): " + written);
    }
    return hex;
  }
}
