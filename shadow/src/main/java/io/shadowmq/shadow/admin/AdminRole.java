package io.shadowmq.shadow.admin;

/** What an admin API token may do: everything, or only read. */
public enum AdminRole {
  ADMIN("admin"), READ_ONLY("read-only");

  private final String label;

  AdminRole(String label) {
    this.label = label;
  }

  /** The name stored and shown: {@code admin} or {@code read-only}. */
  public String label() {
    return label;
  }

  public static AdminRole of(String label) {
    for (AdminRole r : values()) {
      if (r.label.equals(label)) {
        return r;
      }
    }
    throw new IllegalArgumentException("a role is admin or read-only, not " + label);
  }
}
