package io.shadowmq.admin;

import io.shadowmq.shadow.device.Device;
import io.shadowmq.shadow.device.DeviceQuery;
import io.shadowmq.shadow.device.DeviceStore;
import io.shadowmq.shadow.port.ClientDirectory;
import io.shadowmq.shadow.port.ConnectedClient;
import io.shadowmq.shadow.port.DeviceGateway;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;

/**
 * Pages of the device registry in id order, filtered by id prefix, tags and online state. The
 * registry knows tags, the broker knows who is online: {@code online=true} walks the (sorted)
 * connected ids and asks the registry for them a chunk at a time; {@code online=false} reads
 * registry pages and leaves out the connected devices. Either way no page reads the whole fleet.
 */
final class DevicePages {
  /** Connected ids looked up in the registry per query. */
  private static final int CHUNK = 500;

  private final DeviceStore store;
  private final ClientDirectory clients;
  private final DeviceGateway gateway;

  DevicePages(DeviceStore store, ClientDirectory clients, DeviceGateway gateway) {
    this.store = store;
    this.clients = clients;
    this.gateway = gateway;
  }

  /** What to list: {@code online} null means online or not. */
  record Filter(String prefix, Map<String, String> tags, Boolean online) {
  }

  /** One page as the API sends it. */
  Future<JsonObject> page(Filter filter, String after, int limit) {
    Future<List<Device>> devices;
    if (filter.online() == null) {
      devices = store.page(new DeviceQuery(after, filter.prefix(), filter.tags(), null, null, limit + 1));
    } else if (filter.online()) {
      devices = online(filter, connectedAfter(filter.prefix(), after), new ArrayList<>(), limit + 1);
    } else {
      devices = offline(filter, after, new ArrayList<>(), limit + 1);
    }
    return devices.compose(found -> {
      boolean more = found.size() > limit;
      List<Device> shown = more ? found.subList(0, limit) : found;
      List<Future<ConnectedClient>> connections = new ArrayList<>(shown.size());
      for (Device d : shown) {
        connections.add(gateway.connection(d.id()));
      }
      return Future.all(connections).map(all -> {
        List<JsonObject> items = new ArrayList<>(shown.size());
        for (int i = 0; i < shown.size(); i++) {
          items.add(DeviceView.of(shown.get(i), all.resultAt(i)));
        }
        return Paging.page(items, more ? shown.get(shown.size() - 1).id() : null);
      });
    });
  }

  private Iterator<String> connectedAfter(String prefix, String after) {
    NavigableSet<String> ids = clients.connectedIds();
    if (prefix != null && (after == null || after.compareTo(prefix) < 0)) {
      return ids.tailSet(prefix, true).iterator();
    }
    return after == null ? ids.iterator() : ids.tailSet(after, false).iterator();
  }

  private Future<List<Device>> online(Filter filter, Iterator<String> ids, List<Device> out, int want) {
    List<String> chunk = new ArrayList<>(CHUNK);
    while (ids.hasNext() && chunk.size() < CHUNK) {
      String id = ids.next();
      if (filter.prefix() != null && !id.startsWith(filter.prefix())) {
        break; // sorted: no later id has the prefix
      }
      chunk.add(id);
    }
    if (chunk.isEmpty()) {
      return Future.succeededFuture(out);
    }
    boolean exhausted = chunk.size() < CHUNK;
    return store.page(new DeviceQuery(null, null, filter.tags(), chunk, null, want - out.size())).compose(found -> {
      out.addAll(found);
      return out.size() >= want || exhausted ? Future.succeededFuture(out) : online(filter, ids, out, want);
    });
  }

  private Future<List<Device>> offline(Filter filter, String after, List<Device> out, int want) {
    int read = Math.max(want * 2, 50);
    return store.page(new DeviceQuery(after, filter.prefix(), filter.tags(), null, null, read)).compose(found -> {
      NavigableSet<String> connected = clients.connectedIds();
      for (Device d : found) {
        if (!connected.contains(d.id()) && out.size() < want) {
          out.add(d);
        }
      }
      if (out.size() >= want || found.size() < read) {
        return Future.succeededFuture(out);
      }
      return offline(filter, found.get(found.size() - 1).id(), out, want);
    });
  }
}
