package io.shadowmq.admin;

import io.shadowmq.shadow.port.ConnectedClient;
import io.vertx.core.json.JsonObject;

/** A connected client as the API shows it. */
final class ClientView {
  private ClientView() {
  }

  static JsonObject of(ConnectedClient c) {
    return new JsonObject()
        .put("id", c.id())
        .put("address", c.address())
        .put("protocol", c.protocol())
        .put("listener", c.listener())
        .put("since", c.since().toString())
        .put("subscriptions", c.subscriptions());
  }
}
