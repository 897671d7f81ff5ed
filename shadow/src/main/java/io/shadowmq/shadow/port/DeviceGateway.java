package io.shadowmq.shadow.port;

import io.vertx.core.Future;

/**
 * The way to one device through the broker it is connected to: whether it is online and how, a
 * direct method call, a disconnect. Messages sent here reach that device alone, whoever else
 * subscribes to the same topics. Callable from any thread.
 */
public interface DeviceGateway {

  /** The device's connection, or null when it is not connected. */
  Future<ConnectedClient> connection(String deviceId);

  /** Invokes a direct method and waits (up to the call's timeout) for the device's answer. */
  Future<MethodResult> invoke(MethodCall call);

  /** Disconnects the device (see {@link ClientDirectory#disconnect}); false when it was not connected. */
  Future<Boolean> disconnect(String deviceId);
}
