package io.shadowmq.shadow.firmware;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FirmwareComplianceTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Release release(String version, Map<String, String> compatibility, int minute) {
    return new Release("r-" + version + "-" + minute, "gw", version, compatibility, "", List.of(),
        T0.plusSeconds(60L * minute));
  }

  @Test
  void theNewestFittingReleaseIsTheLatestForADevice() {
    FirmwareCompliance c = new FirmwareCompliance(List.of(
        release("1.9.0", Map.of("model", "a"), 0),
        release("1.10.0", Map.of("model", "a"), 1),
        release("2.0.0-rc.1", Map.of("model", "a"), 2),
        release("3.0.0", Map.of("model", "a", "site", "lab"), 3),
        release("0.1.0", Map.of(), 4)));

    assertThat(c.latestFor(Map.of("model", "a")).version()).isEqualTo("2.0.0-rc.1");
    assertThat(c.latestFor(Map.of("model", "a", "site", "lab")).version()).isEqualTo("3.0.0");
    assertThat(c.latestFor(Map.of("model", "b")).version()).as("only the release for every device").isEqualTo("0.1.0");
    assertThat(c.selectorTags()).containsExactly("model", "site");
    assertThat(new FirmwareCompliance(List.of()).latestFor(Map.of("model", "a"))).isNull();
  }

  @Test
  void ofTwoReleasesWithTheSameVersionTheLaterCreatedWins() {
    FirmwareCompliance c = new FirmwareCompliance(List.of(release("1.0.0", Map.of(), 5), release("1.0.0", Map.of(), 1)));
    assertThat(c.latestFor(Map.of()).id()).isEqualTo("r-1.0.0-5");
  }

  @ParameterizedTest(name = "reports {0}, status {1}, desired {2}, latest {3}: {4}")
  @CsvSource(nullValues = "-", value = {
      "2.0.0, -, -, 2.0.0, ON_LATEST",
      "2.1.0, -, -, 2.0.0, ON_LATEST",                      // newer than any release
      "v2.0, applyFailed, -, 2.0.0, ON_LATEST",             // the same version, written otherwise
      "-, -, -, -, ON_LATEST",                              // nothing fits, nothing to do
      "1.0.0, -, -, -, ON_LATEST",
      "1.0.0, -, -, 2.0.0, UPDATE_AVAILABLE",
      "-, -, -, 2.0.0, UPDATE_AVAILABLE",                   // reports no version
      "1.0.0, applyComplete, -, 2.0.0, UPDATE_AVAILABLE",
      "1.0.0, downloading, -, 2.0.0, UPDATE_IN_PROGRESS",
      "1.0.0, downloadComplete, -, 2.0.0, UPDATE_IN_PROGRESS",
      "1.0.0, applying, -, 2.0.0, UPDATE_IN_PROGRESS",
      "1.0.0, -, 2.0.0, 2.0.0, UPDATE_IN_PROGRESS",         // asked for, not started
      "1.0.0, waiting, 2.0.0, 2.0.0, UPDATE_IN_PROGRESS",
      "1.0.0, downloadFailed, 2.0.0, 2.0.0, FAILED",
      "1.0.0, applyFailed, -, 2.0.0, FAILED",
      "1.0.0, -, 1.0.0, 2.0.0, UPDATE_AVAILABLE",           // desired is what it runs: nothing under way
  })
  void aDevicesStateFollowsWhatItReportsAndWhatIsAskedOfIt(String version, String status, String desired,
                                                           String latest, ComplianceState expected) {
    Release latestRelease = latest == null ? null : release(latest, Map.of(), 0);
    DeviceFirmware device = new DeviceFirmware("d", Map.of(), version, status, desired);
    assertThat(FirmwareCompliance.state(device, latestRelease)).isEqualTo(expected);
  }
}
