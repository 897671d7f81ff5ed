package io.shadowmq.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.shadowmq.broker.loop.BrokerLoop;

import java.security.cert.X509Certificate;

/**
 * The transport boundary: one client connection's socket, as the MQTT protocol code sees it.
 * Bytes out, packets in (through {@link PacketListener}), flow control and close. TCP and
 * WebSocket connections look the same behind it. Called only on the connection's event loop.
 */
public interface ClientTransport {
  BrokerLoop loop();

  ByteBufAllocator alloc();

  /** Queues encoded bytes; they are flushed once, after the loop's current batch. */
  void write(ByteBuf encoded);

  /** Writes the bytes, flushes, and closes the connection once they are out. */
  void writeAndClose(ByteBuf encoded);

  void close();

  boolean isOpen();

  /** False while the client does not read fast enough and the outbound buffer is above its mark. */
  boolean isWritable();

  /** Stops reading from the socket until {@link #resumeReading}. */
  void pauseReading();

  void resumeReading();

  /** "tcp", "tls", "ws" or "wss". */
  String kind();

  /** The client's address and port, for logs. */
  String remoteAddress();

  /** The client's IP address, without the port. */
  String remoteHost();

  /** The certificate the client presented in the TLS handshake (verified against the client CA), or null. */
  X509Certificate peerCertificate();
}
