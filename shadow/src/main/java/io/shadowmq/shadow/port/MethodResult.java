package io.shadowmq.shadow.port;

/**
 * What became of a direct method call.
 *
 * @param outcome what happened
 * @param status  the status the device answered with (when {@link Outcome#ANSWERED})
 * @param payload the device's answer body, as sent (when {@link Outcome#ANSWERED})
 */
public record MethodResult(Outcome outcome, int status, byte[] payload) {
  /** How a call ended. */
  public enum Outcome {
    /** The device answered (with any status, an error status included). */
    ANSWERED,
    /** No client with the device's id is connected, or it is not subscribed to method requests. */
    OFFLINE,
    /** The device did not answer in time. */
    TIMED_OUT
  }

  public static MethodResult answered(int status, byte[] payload) {
    return new MethodResult(Outcome.ANSWERED, status, payload);
  }

  public static MethodResult offline() {
    return new MethodResult(Outcome.OFFLINE, 0, new byte[0]);
  }

  public static MethodResult timedOut() {
    return new MethodResult(Outcome.TIMED_OUT, 0, new byte[0]);
  }
}
