package io.shadowmq.shadow.firmware;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PresignedUrlsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final LinkSecrets FIRST = new LinkSecrets(key('a'), null);

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  private static byte[] key(char c) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) c);
    return k;
  }

  private static Map<String, String> query(String url) {
    Map<String, String> q = new LinkedHashMap<>();
    for (String pair : URI.create(url).getRawQuery().split("&")) {
      String[] kv = pair.split("=", 2);
      q.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return q;
  }

  private LinkCheck check(PresignedUrls urls, String url) {
    Map<String, String> q = query(url);
    String artifact = URI.create(url).getPath().substring("/dl/".length());
    return urls.verify(artifact, q.get("device"), Long.parseLong(q.get("exp")), q.get("sig"));
  }

  @Test
  void aMintedLinkIsAbsoluteAndValidForItsDeviceUntilItExpires() {
    PresignedUrls urls = new PresignedUrls(() -> "https://fw.example.com:8443", clock, FIRST);
    String url = urls.mint("art-1", "dev:1", NOW.plusSeconds(600));

    assertThat(url).startsWith("https://fw.example.com:8443/dl/art-1?device=dev%3A1&exp=" + (NOW.getEpochSecond() + 600)
        + "&sig=");
    assertThat(check(urls, url)).isEqualTo(LinkCheck.VALID);

    PresignedUrls later = new PresignedUrls(() -> "", Clock.fixed(NOW.plusSeconds(601), ZoneOffset.UTC), FIRST);
    assertThat(check(later, url)).isEqualTo(LinkCheck.EXPIRED);
    PresignedUrls atTheSecond = new PresignedUrls(() -> "", Clock.fixed(NOW.plusSeconds(600), ZoneOffset.UTC), FIRST);
    assertThat(check(atTheSecond, url)).isEqualTo(LinkCheck.VALID);
  }

  @Test
  void anotherDeviceAnotherArtifactOrALongerExpiryIsABadSignature() {
    PresignedUrls urls = new PresignedUrls(() -> "http://h", clock, FIRST);
    String url = urls.mint("art-1", "dev-1", NOW.plusSeconds(60));
    Map<String, String> q = query(url);
    long exp = Long.parseLong(q.get("exp"));

    assertThat(urls.verify("art-1", "dev-2", exp, q.get("sig"))).isEqualTo(LinkCheck.BAD_SIGNATURE);
    assertThat(urls.verify("art-2", "dev-1", exp, q.get("sig"))).isEqualTo(LinkCheck.BAD_SIGNATURE);
    assertThat(urls.verify("art-1", "dev-1", exp + 3600, q.get("sig"))).isEqualTo(LinkCheck.BAD_SIGNATURE);
    assertThat(urls.verify("art-1", "dev-1", exp, q.get("sig").substring(1))).isEqualTo(LinkCheck.BAD_SIGNATURE);
    assertThat(urls.verify("art-1", "dev-1", exp, null)).isEqualTo(LinkCheck.BAD_SIGNATURE);
    // an expired link with a changed device is refused for its signature, not its age
    PresignedUrls later = new PresignedUrls(() -> "", Clock.fixed(NOW.plusSeconds(3600), ZoneOffset.UTC), FIRST);
    assertThat(later.verify("art-1", "dev-2", exp, q.get("sig"))).isEqualTo(LinkCheck.BAD_SIGNATURE);
  }

  @Test
  void afterOneRotationOldLinksStillWorkAfterTwoTheyDoNot() {
    PresignedUrls urls = new PresignedUrls(() -> "http://h", clock, FIRST);
    String old = urls.mint("art-1", "dev-1", NOW.plusSeconds(60));

    urls.secrets(new LinkSecrets(key('b'), key('a')));
    String fresh = urls.mint("art-1", "dev-1", NOW.plusSeconds(60));
    assertThat(fresh).isNotEqualTo(old);
    assertThat(check(urls, old)).isEqualTo(LinkCheck.VALID);
    assertThat(check(urls, fresh)).isEqualTo(LinkCheck.VALID);

    urls.secrets(new LinkSecrets(key('c'), key('b')));
    assertThat(check(urls, old)).isEqualTo(LinkCheck.BAD_SIGNATURE);
    assertThat(check(urls, fresh)).isEqualTo(LinkCheck.VALID);
  }

  @Test
  void theBaseUrlIsReadWhenALinkIsMinted() {
    String[] base = {"http://127.0.0.1:0"};
    PresignedUrls urls = new PresignedUrls(() -> base[0], clock, FIRST);
    base[0] = "http://127.0.0.1:41234";
    assertThat(urls.mint("a", "d", NOW)).startsWith("http://127.0.0.1:41234/dl/a?");
  }
}
