package io.shadowmq.admin;

import io.shadowmq.shadow.device.Device;
import io.shadowmq.shadow.port.ConnectedClient;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;

/** A device as the API shows it: the registry's record, whether it is connected and from where. */
final class DeviceView {
  private DeviceView() {
  }

  /** @param connection its connection, or null when it is not connected */
  static JsonObject of(Device d, ConnectedClient connection) {
    JsonObject json = new JsonObject()
        .put("id", d.id())
        .put("tags", new JsonObject(new LinkedHashMap<>(d.tags())))
        .put("enabled", d.enabled())
        .put("createdAt", d.createdAt().toString())
        .put("lastSeenAt", d.lastSeenAt() == null ? null : d.lastSeenAt().toString())
        .put("online", connection != null)
        .put("credentials", new JsonObject().put("password", d.passwordHash() != null)
            .put("certificates", d.certFingerprints().size()));
    if (connection != null) {
      json.put("connection", ClientView.of(connection));
    }
    return json;
  }
}
