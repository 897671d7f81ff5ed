package io.shadowmq.shadow.rollout;

/** A rollout specification that cannot be used, naming the member at fault ({@code waves.sizes[1]}). */
public final class InvalidSpecException extends IllegalArgumentException {
  private final String field;

  public InvalidSpecException(String field, String message) {
    super(message, null);
    this.field = field;
  }

  /** The member's path in the request, e.g. {@code failureThreshold.action}. */
  public String field() {
    return field;
  }
}
