package io.shadowmq.admin;

import io.shadowmq.shadow.device.Device;
import io.shadowmq.shadow.firmware.ComplianceState;
import io.shadowmq.shadow.firmware.DeviceFirmware;
import io.shadowmq.shadow.firmware.FirmwareCompliance;
import io.shadowmq.shadow.firmware.FirmwareReportsPg;
import io.shadowmq.shadow.firmware.Release;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/compliance?selector=model:asg210}: for the registry's devices whose tags hold
 * the selector, the firmware version each reports, the newest compatible release and a state, a
 * page at a time; with totals per state and per reported version over all of them.
 */
final class ComplianceRoutes {
  private final FirmwarePorts ports;

  ComplianceRoutes(FirmwarePorts ports) {
    this.ports = ports;
  }

  void mount(Router r) {
    r.get("/compliance").respond(this::compliance);
  }

  private Future<JsonObject> compliance(RoutingContext ctx) {
    Map<String, String> selector = selector(ctx.queryParams().get("selector"));
    String after = Paging.after(ctx);
    int limit = Paging.limit(ctx);
    FirmwarePorts p = ReleaseRoutes.required(ports);
    FirmwareReportsPg reports = p.reports();
    return p.releases().all().compose(releases -> {
      FirmwareCompliance compliance = new FirmwareCompliance(releases);
      Future<List<DeviceFirmware>> page = reports.page(selector, after, limit + 1);
      Future<List<FirmwareReportsPg.Tally>> tallies = reports.tally(selector, new ArrayList<>(compliance.selectorTags()));
      return Future.all(page, tallies).map(done -> answer(compliance, page.result(), tallies.result(), limit));
    });
  }

  private static JsonObject answer(FirmwareCompliance compliance, List<DeviceFirmware> rows,
                                   List<FirmwareReportsPg.Tally> tallies, int limit) {
    List<DeviceFirmware> page = rows.size() > limit ? rows.subList(0, limit) : rows;
    JsonArray devices = new JsonArray();
    for (DeviceFirmware d : page) {
      Release latest = compliance.latestFor(d.tags());
      devices.add(new JsonObject().put("id", d.deviceId()).put("version", d.version())
          .put("latest", latest == null ? null : latest.version())
          .put("state", FirmwareCompliance.state(d, latest).label()));
    }
    Map<String, Long> totals = new LinkedHashMap<>();
    for (ComplianceState s : ComplianceState.values()) {
      totals.put(s.label(), 0L);
    }
    Map<String, Long> versions = new TreeMap<>();
    for (FirmwareReportsPg.Tally t : tallies) {
      DeviceFirmware d = t.firmware();
      totals.merge(FirmwareCompliance.state(d, compliance.latestFor(d.tags())).label(), t.devices(), Long::sum);
      versions.merge(d.version() == null ? "unknown" : d.version(), t.devices(), Long::sum);
    }
    JsonObject out = new JsonObject().put("devices", devices)
        .put("totals", new JsonObject(new LinkedHashMap<>(totals)))
        .put("versions", new JsonObject(new LinkedHashMap<>(versions)));
    if (rows.size() > limit) {
      out.put("nextCursor", Paging.cursorAfter(page.get(page.size() - 1).deviceId()));
    }
    return out;
  }

  /** {@code name:value[,name:value...]}; absent or empty selects every device. */
  static Map<String, String> selector(String text) {
    Map<String, String> selector = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return selector;
    }
    for (String pair : text.split(",")) {
      int colon = pair.indexOf(':');
      if (colon <= 0) {
        throw ApiError.invalidField("selector", "must be name:value pairs separated by commas, e.g. model:asg210");
      }
      String name = pair.substring(0, colon).trim();
      String value = pair.substring(colon + 1).trim();
      String problem = Device.tagProblem(name, value);
      if (problem != null) {
        throw ApiError.invalidField("selector", problem);
      }
      selector.put(name, value);
    }
    return selector;
  }
}
