package io.shadowmq.shadow.firmware;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * Download links for one device: {@code {publicUrl}/dl/{artifactId}?device={id}&exp={unixSeconds}&sig={hmac}},
 * where the signature is HMAC-SHA256 over artifact, device and expiry under the current
 * {@link LinkSecrets} key. A link is good for that artifact, that device, until that second; the
 * admin API and the rollout engine mint them, the download endpoint verifies them.
 */
public final class PresignedUrls {
  private static final Base64.Encoder SIGNATURE = Base64.getUrlEncoder().withoutPadding();
  /**
   * One initialised MAC per thread and key: looking the algorithm up and initialising it cost more
   * than signing, and a wave mints thousands of links at once ({@code doFinal} leaves the MAC
   * ready for the next text).
   */
  private static final ThreadLocal<KeyedMac> MACS = new ThreadLocal<>();

  private record KeyedMac(byte[] key, Mac mac) {
  }

  private final Supplier<String> publicUrl;
  private final Clock clock;
  private volatile LinkSecrets secrets;

  /** @param publicUrl the base URL devices reach this node's HTTP port at, without a trailing slash */
  public PresignedUrls(Supplier<String> publicUrl, Clock clock, LinkSecrets secrets) {
    this.publicUrl = publicUrl;
    this.clock = clock;
    this.secrets = secrets;
  }

  /** Uses these keys from now on (after a rotation, or when another node rotated them). */
  public void secrets(LinkSecrets newSecrets) {
    this.secrets = newSecrets;
  }

  /** The base URL links start with (before {@code /dl/}). */
  public String baseUrl() {
    return publicUrl.get();
  }

  /** An absolute URL a device can download the artifact from until {@code expiresAt} (to the second). */
  public String mint(String artifactId, String device, Instant expiresAt) {
    long exp = expiresAt.getEpochSecond();
    return publicUrl.get() + "/dl/" + encode(artifactId) + "?device=" + encode(device) + "&exp=" + exp
        + "&sig=" + sign(secrets.current(), artifactId, device, exp);
  }

  /** Checks a link's parameters: the signature first (so a changed expiry is a bad signature), then the time. */
  public LinkCheck verify(String artifactId, String device, long exp, String sig) {
    if (artifactId == null || device == null || sig == null || artifactId.indexOf('\n') >= 0
        || device.indexOf('\n') >= 0) {
      return LinkCheck.BAD_SIGNATURE;
    }
    LinkSecrets keys = secrets;
    byte[] given = sig.getBytes(StandardCharsets.US_ASCII);
    boolean genuine = MessageDigest.isEqual(given,
        sign(keys.current(), artifactId, device, exp).getBytes(StandardCharsets.US_ASCII))
        || keys.previous() != null && MessageDigest.isEqual(given,
        sign(keys.previous(), artifactId, device, exp).getBytes(StandardCharsets.US_ASCII));
    if (!genuine) {
      return LinkCheck.BAD_SIGNATURE;
    }
    return clock.instant().getEpochSecond() > exp ? LinkCheck.EXPIRED : LinkCheck.VALID;
  }

  private static String sign(byte[] key, String artifactId, String device, long exp) {
    // Newline-separated: ids cannot hold a newline, so no two triples sign the same text.
    byte[] text = (artifactId + "\n" + device + "\n" + exp).getBytes(StandardCharsets.UTF_8);
    return SIGNATURE.encodeToString(mac(key).doFinal(text));
  }

  private static Mac mac(byte[] key) {
    KeyedMac cached = MACS.get();
    if (cached != null && Arrays.equals(cached.key(), key)) {
      return cached.mac();
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      MACS.set(new KeyedMac(key, mac));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
