package io.shadowmq.shadow.port;

import io.vertx.core.Future;

import java.util.List;
import java.util.NavigableSet;

/** The clients connected to this node: who they are, and a way to disconnect one. Callable from any thread. */
public interface ClientDirectory {

  /**
   * Connected clients in id order: ids after {@code after} (null: from the start), starting with
   * {@code prefix} (null: any), {@code limit} at most.
   */
  Future<List<ConnectedClient>> list(String after, String prefix, int limit);

  /** The ids of every connected client, sorted: a live read-only view (for filtering the registry by online state). */
  NavigableSet<String> connectedIds();

  /**
   * Disconnects the client (MQTT 5: DISCONNECT 0x98, administrative action; its will is published
   * as for a lost connection). False when no client with this id is connected.
   */
  Future<Boolean> kick(String id);
}
