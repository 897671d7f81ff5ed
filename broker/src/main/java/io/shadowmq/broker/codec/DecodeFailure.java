package io.shadowmq.broker.codec;

/**
 * What the decoder hands on instead of a packet when the input breaks the protocol. After one
 * failure the decoder discards everything else on the connection; the handler closes it.
 *
 * @param reasonCode    0x81 malformed, 0x82 protocol error or 0x95 packet too large
 * @param packetType    the type of the offending packet, 0 when the fixed header itself is bad
 * @param protocolLevel the connection's protocol level when known (from its CONNECT), else 0
 */
public record DecodeFailure(int reasonCode, String message, int packetType, int protocolLevel) {
}
