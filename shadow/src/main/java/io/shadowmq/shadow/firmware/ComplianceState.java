package io.shadowmq.shadow.firmware;

/** Where a device stands against the newest release it may run. */
public enum ComplianceState {
  /** It reports the newest compatible version (or a newer one), or no release fits it. */
  ON_LATEST("onLatest"),
  /** An update was asked for (desired firmware differs) or the device reports it is downloading or applying. */
  UPDATE_IN_PROGRESS("updateInProgress"),
  /** A newer compatible release exists and nothing is under way. */
  UPDATE_AVAILABLE("updateAvailable"),
  /** Its last update failed (status downloadFailed or applyFailed) and it is not on the newest version. */
  FAILED("failed");

  private final String label;

  ComplianceState(String label) {
    this.label = label;
  }

  /** The name the API uses. */
  public String label() {
    return label;
  }
}
