package io.shadowmq.broker.transport;

import io.shadowmq.broker.codec.DecodeFailure;
import io.shadowmq.broker.codec.Packet;

/** The MQTT protocol side of one connection: what the transport hands it. Called on the event loop. */
public interface PacketListener {
  void onPacket(Packet packet);

  /** The client sent something that is not MQTT; nothing more will be read from it. */
  void onDecodeFailure(DecodeFailure failure);

  /** The transport can take writes again after {@link ClientTransport#isWritable} was false. */
  void onWritable();

  /** The connection is gone, by whichever side's doing. Called once. */
  void onClosed();
}
