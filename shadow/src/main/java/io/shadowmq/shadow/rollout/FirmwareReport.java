package io.shadowmq.shadow.rollout;

import io.vertx.core.json.JsonObject;

/**
 * What a device reported about its firmware, read from its reported shadow state: in shadow mode
 * {@code reported.firmware = {version, rolloutId, status, progress, error}}, in method mode
 * {@code reported.iothubDM.firmwareUpdate = {status, error}} with the running version in
 * {@code reported.firmware.version}. {@link #outcome} says what it means for an execution.
 */
public record FirmwareReport(String version, String rolloutId, String status, JsonObject error) {

  /** What a report means for an execution of a rollout. */
  public enum Outcome {
    /** Nothing to do (not about this rollout, or no news). */
    NONE,
    /** The device is downloading or applying. */
    STARTED,
    /** The device runs the target version after applying it. */
    SUCCEEDED,
    /** The download or the apply failed. */
    FAILED,
    /** The download link had expired: the device needs a fresh one. */
    LINK_EXPIRED
  }

  /** The error code a device reports when its download link expired. */
  public static final String URL_EXPIRED = "URL_EXPIRED";

  /** The firmware part of a reported state, or null when it has none for this delivery mode. */
  public static FirmwareReport of(JsonObject reported, RolloutSpec.Delivery delivery) {
    if (reported == null) {
      return null;
    }
    JsonObject fw = reported.getValue("firmware") instanceof JsonObject o ? o : null;
    String version = fw == null || !(fw.getValue("version") instanceof String v) ? null : v;
    if (delivery == RolloutSpec.Delivery.METHOD) {
      JsonObject dm = reported.getValue("iothubDM") instanceof JsonObject o ? o : null;
      JsonObject update = dm == null || !(dm.getValue("firmwareUpdate") instanceof JsonObject u) ? null : u;
      if (update == null) {
        return null;
      }
      return new FirmwareReport(version, null, text(update, "status"), error(update));
    }
    if (fw == null) {
      return null;
    }
    return new FirmwareReport(version, text(fw, "rolloutId"), text(fw, "status"), error(fw));
  }

  /** The part of a reported state this report is read from, to tell whether it changed. */
  public static Object source(JsonObject reported, RolloutSpec.Delivery delivery) {
    if (reported == null) {
      return null;
    }
    if (delivery == RolloutSpec.Delivery.METHOD) {
      return reported.getValue("iothubDM") instanceof JsonObject dm ? dm.getValue("firmwareUpdate") : null;
    }
    return reported.getValue("firmware");
  }

  /** What this report means for an execution of rollout {@code rolloutId} installing {@code target}. */
  public Outcome outcome(String rollout, String target) {
    if (rolloutId != null && !rolloutId.equals(rollout)) {
      return Outcome.NONE;
    }
    if ("downloadFailed".equals(status) || "applyFailed".equals(status)) {
      if ("downloadFailed".equals(status) && error != null && URL_EXPIRED.equals(error.getValue("code"))) {
        return Outcome.LINK_EXPIRED;
      }
      return Outcome.FAILED;
    }
    boolean working = "downloading".equals(status) || "downloadComplete".equals(status) || "applying".equals(status);
    if (target.equals(version) && !working) {
      return Outcome.SUCCEEDED;
    }
    if (working || "applyComplete".equals(status)) {
      return Outcome.STARTED;
    }
    return Outcome.NONE;
  }

  /** The failure to record: the device's error, or one named after its status. */
  public JsonObject failure() {
    String code = error != null && error.getValue("code") instanceof String c ? c
        : "downloadFailed".equals(status) ? "DOWNLOAD_FAILED" : "APPLY_FAILED";
    String message = error != null && error.getValue("message") instanceof String m ? m : "the device reported " + status;
    return Transition.error(code, message);
  }

  private static String text(JsonObject o, String name) {
    return o.getValue(name) instanceof String s ? s : null;
  }

  private static JsonObject error(JsonObject o) {
    return o.getValue("error") instanceof JsonObject e ? e : null;
  }
}
