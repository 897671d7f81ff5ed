package io.shadowmq.shadow.firmware;

/** What {@link PresignedUrls#verify} found; the reasons are what a refused device is told. */
public enum LinkCheck {
  VALID("valid"),
  /** The signature does not match this artifact, device and expiry under any accepted key. */
  BAD_SIGNATURE("bad-signature"),
  /** The link was genuine but its time is up. */
  EXPIRED("expired");

  private final String reason;

  LinkCheck(String reason) {
    this.reason = reason;
  }

  /** The reason as the download endpoint reports it. */
  public String reason() {
    return reason;
  }
}
