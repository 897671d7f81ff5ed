package io.shadowmq.broker.codec;

/**
 * A packet that breaks the MQTT specification. {@link #reasonCode()} is 0x81 (malformed packet)
 * or 0x82 (protocol error), as the MQTT 5 specification classifies the fault.
 */
public final class MalformedPacketException extends Exception {
  private final int reasonCode;

  public MalformedPacketException(int reasonCode, String message) {
    super(message, null, false, false);
    this.reasonCode = reasonCode;
  }

  public static MalformedPacketException malformed(String message) {
    return new MalformedPacketException(ReasonCode.MALFORMED_PACKET, message);
  }

  public static MalformedPacketException protocolError(String message) {
    return new MalformedPacketException(ReasonCode.PROTOCOL_ERROR, message);
  }

  public int reasonCode() {
    return reasonCode;
  }
}
