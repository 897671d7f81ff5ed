package io.shadowmq.shadow.firmware;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FirmwareVersionTest {

  @ParameterizedTest(name = "{0} is older than {1}")
  @CsvSource({
      "1.0.0, 1.0.1",
      "1.9.0, 1.10.0",          // numbers, not text: 10 > 9
      "1.0.0-rc.1, 1.0.0",      // a pre-release comes before its release
      "1.0.0-alpha, 1.0.0-alpha.1",
      "1.0.0-alpha.1, 1.0.0-alpha.beta", // numeric identifiers sort before alphanumeric ones
      "1.0.0-beta.2, 1.0.0-beta.11",
      "1.0.0-rc.1, 1.0.0-rc.1a",
      "v1.2, 1.2.1",            // leading v and missing patch accepted
      "nightly-2024, 0.0.1",    // any semantic version is newer than a non-semantic one
      "build-10, build-9",      // two non-semantic versions compare as text
      "99999999999999999999.0.0, 100000000000000000000.0.0",
  })
  void olderComparesBelowNewer(String older, String newer) {
    FirmwareVersion a = FirmwareVersion.of(older);
    FirmwareVersion b = FirmwareVersion.of(newer);
    assertThat(a.compareTo(b)).isNegative();
    assertThat(b.compareTo(a)).isPositive();
    assertThat(b.isNewerThan(a)).isTrue();
    assertThat(a.isNewerThan(b)).isFalse();
  }

  @ParameterizedTest(name = "{0} orders like {1}")
  @CsvSource({"1.0.0+build.1, 1.0.0+build.2", "v1.0, 1.0.0", "1, 1.0.0", "abc, abc"})
  void buildMetadataAndShortFormsOrderTheSame(String a, String b) {
    assertThat(FirmwareVersion.of(a).compareTo(FirmwareVersion.of(b))).isZero();
    assertThat(FirmwareVersion.of(a)).isEqualTo(FirmwareVersion.of(b));
    assertThat(FirmwareVersion.of(a).hashCode()).isEqualTo(FirmwareVersion.of(b).hashCode());
  }

  @ParameterizedTest(name = "{0} is not a semantic version")
  @CsvSource({"01.0.0", "1.0.0-", "1..0", "latest", "1.0.0.0"})
  void malformedVersionsAreText(String text) {
    assertThat(FirmwareVersion.of(text).isSemantic()).isFalse();
    assertThat(FirmwareVersion.of(text).text()).isEqualTo(text);
  }

  @Test
  void aListSortsIntoReleaseOrder() {
    List<String> expected = List.of("nightly", "0.9.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0-rc.1",
        "1.0.0", "1.2.0", "1.10.0", "2.0.0");
    List<FirmwareVersion> versions = new ArrayList<>(expected.stream().map(FirmwareVersion::of).toList());
    Collections.shuffle(versions, new java.util.Random(7));
    Collections.sort(versions);
    assertThat(versions.stream().map(FirmwareVersion::text).toList()).isEqualTo(expected);
  }
}
