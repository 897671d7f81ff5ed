package io.shadowmq.shadow.port;

import java.time.Instant;

/**
 * A client connected to this node, as an operator sees it.
 *
 * @param id            the client id (a device's id)
 * @param address       the client's IP address and port
 * @param protocol      {@code mqtt-3.1}, {@code mqtt-3.1.1} or {@code mqtt-5}
 * @param listener      the listener it came through: {@code tcp}, {@code tls}, {@code ws} or {@code wss}
 * @param since         when its current connection was accepted (CONNACK sent)
 * @param subscriptions how many subscriptions its session holds
 */
public record ConnectedClient(String id, String address, String protocol, String listener, Instant since,
                              int subscriptions) {
}
