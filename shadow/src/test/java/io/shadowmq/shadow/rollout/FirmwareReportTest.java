package io.shadowmq.shadow.rollout;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FirmwareReportTest {
  private static FirmwareReport.Outcome shadow(String json) {
    return FirmwareReport.of(new JsonObject(json), RolloutSpec.Delivery.SHADOW).outcome("r1", "2.0.0");
  }

  @Test
  void whatAShadowReportMeansForAnExecution() {
    assertThat(shadow("{\"firmware\":{\"version\":\"1.0.0\",\"rolloutId\":\"r1\",\"status\":\"downloading\"}}"))
        .isEqualTo(FirmwareReport.Outcome.STARTED);
    assertThat(shadow("{\"firmware\":{\"version\":\"1.0.0\",\"rolloutId\":\"r1\",\"status\":\"applying\"}}"))
        .isEqualTo(FirmwareReport.Outcome.STARTED);
    // success only once the target version runs after the apply, not when the device starts
    assertThat(shadow("{\"firmware\":{\"version\":\"2.0.0\",\"rolloutId\":\"r1\",\"status\":\"applying\"}}"))
        .isEqualTo(FirmwareReport.Outcome.STARTED);
    assertThat(shadow("{\"firmware\":{\"version\":\"1.0.0\",\"rolloutId\":\"r1\",\"status\":\"applyComplete\"}}"))
        .isEqualTo(FirmwareReport.Outcome.STARTED);
    assertThat(shadow("{\"firmware\":{\"version\":\"2.0.0\",\"rolloutId\":\"r1\",\"status\":\"applyComplete\"}}"))
        .isEqualTo(FirmwareReport.Outcome.SUCCEEDED);
    assertThat(shadow("{\"firmware\":{\"version\":\"1.0.0\",\"rolloutId\":\"r1\",\"status\":\"applyFailed\"}}"))
        .isEqualTo(FirmwareReport.Outcome.FAILED);
    assertThat(shadow("{\"firmware\":{\"version\":\"1.0.0\",\"rolloutId\":\"r1\",\"status\":\"downloadFailed\","
        + "\"error\":{\"code\":\"URL_EXPIRED\",\"message\":\"link expired\"}}}")).isEqualTo(FirmwareReport.Outcome.LINK_EXPIRED);
    // about another rollout: not this execution's business
    assertThat(shadow("{\"firmware\":{\"version\":\"2.0.0\",\"rolloutId\":\"r2\",\"status\":\"applyComplete\"}}"))
        .isEqualTo(FirmwareReport.Outcome.NONE);
    assertThat(shadow("{\"firmware\":{\"version\":\"1.0.0\",\"status\":\"waiting\"}}")).isEqualTo(FirmwareReport.Outcome.NONE);
  }

  @Test
  void aMethodModeReportReadsTheDeviceManagementStatusAndTheRunningVersion() {
    JsonObject reported = new JsonObject("{\"firmware\":{\"version\":\"2.0.0\"},"
        + "\"iothubDM\":{\"firmwareUpdate\":{\"status\":\"applyComplete\"}}}");
    assertThat(FirmwareReport.of(reported, RolloutSpec.Delivery.METHOD).outcome("r1", "2.0.0"))
        .isEqualTo(FirmwareReport.Outcome.SUCCEEDED);
    assertThat(FirmwareReport.of(new JsonObject("{\"firmware\":{\"version\":\"2.0.0\"}}"), RolloutSpec.Delivery.METHOD))
        .isNull();
  }

  @Test
  void aFailureKeepsTheDevicesErrorOrIsNamedAfterTheStatus() {
    FirmwareReport own = FirmwareReport.of(new JsonObject("{\"firmware\":{\"status\":\"applyFailed\","
        + "\"error\":{\"code\":\"BOOT_LOOP\",\"message\":\"rolled back by the bootloader\"}}}"), RolloutSpec.Delivery.SHADOW);
    assertThat(own.failure()).isEqualTo(new JsonObject().put("code", "BOOT_LOOP").put("message", "rolled back by the bootloader"));
    FirmwareReport plain = FirmwareReport.of(new JsonObject("{\"firmware\":{\"status\":\"downloadFailed\"}}"),
        RolloutSpec.Delivery.SHADOW);
    assertThat(plain.failure().getString("code")).isEqualTo("DOWNLOAD_FAILED");
  }
}
