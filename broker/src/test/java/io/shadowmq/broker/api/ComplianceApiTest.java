package io.shadowmq.broker.api;

import io.shadowmq.broker.TestBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Firmware compliance over the admin API: devices of the registry whose shadows report different
 * versions and update statuses, judged against the newest release their tags allow, with totals
 * and cursor paging.
 */
@Timeout(120)
class ComplianceApiTest {
  static TestBroker broker;
  static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.startWithStorage();
    api = new ApiClient(broker, broker.adminToken());
    ReleaseApiTest.createRelease(api, "gw", "1.0.0", new JsonObject().put("model", "asg210"));
    ReleaseApiTest.createRelease(api, "gw", "1.1.0", new JsonObject().put("model", "asg210"));
    ReleaseApiTest.createRelease(api, "gw", "0.9.0", new JsonObject().put("model", "asg210"));
    ReleaseApiTest.createRelease(api, "gw-lab", "9.0.0", new JsonObject().put("model", "asg210").put("site", "lab"));
    ReleaseApiTest.createRelease(api, "gw200", "2.0.0", new JsonObject().put("model", "asg200"));

    device("c-1", "asg210", null, new JsonObject().put("version", "1.1.0"), null);
    device("c-2", "asg210", null, new JsonObject().put("version", "1.0.0"), null);
    device("c-3", "asg210", null, new JsonObject().put("version", "1.0.0").put("status", "downloading"), null);
    device("c-4", "asg210", null, new JsonObject().put("version", "1.0.0"), new JsonObject().put("version", "1.1.0"));
    device("c-5", "asg210", null, new JsonObject().put("version", "1.0.0").put("status", "applyFailed"), null);
    device("c-6", "asg210", null, null, null);
    device("c-7", "asg210", "lab", new JsonObject().put("version", "1.1.0"), null);
    device("d-1", "asg200", null, new JsonObject().put("version", "2.0.0").put("status", "applyComplete"), null);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    broker.close();
  }

  /** A registered device whose classic shadow reports {@code reported} and wants {@code desired} firmware. */
  static void device(String id, String model, String site, JsonObject reported, JsonObject desired) throws Exception {
    JsonObject tags = new JsonObject().put("model", model);
    if (site != null) {
      tags.put("site", site);
    }
    assertThat(api.post("/api/v1/devices", new JsonObject().put("id", id).put("tags", tags)).status()).isEqualTo(201);
    JsonObject state = new JsonObject();
    if (reported != null) {
      state.put("reported", new JsonObject().put("firmware", reported));
    }
    if (desired != null) {
      state.put("desired", new JsonObject().put("firmware", desired));
    }
    if (!state.isEmpty()) {
      ApiClient.Response r = api.patch("/api/v1/devices/" + id + "/shadow", new JsonObject().put("state", state));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
  }

  private static JsonObject row(JsonArray devices, String id) {
    return devices.stream().map(JsonObject.class::cast).filter(d -> d.getString("id").equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + id + " in " + devices.encode()));
  }

  @Test
  void eachDeviceIsJudgedAgainstTheNewestReleaseItsTagsAllow() throws Exception {
    ApiClient.Response r = api.get("/api/v1/compliance?selector=model:asg210");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonArray devices = r.json().getJsonArray("devices");

    assertThat(devices.stream().map(d -> ((JsonObject) d).getString("id")).toList())
        .containsExactly("c-1", "c-2", "c-3", "c-4", "c-5", "c-6", "c-7");
    assertThat(row(devices, "c-1")).isEqualTo(new JsonObject().put("id", "c-1").put("version", "1.1.0")
        .put("latest", "1.1.0").put("state", "onLatest"));
    assertThat(row(devices, "c-2").getString("state")).isEqualTo("updateAvailable");
    assertThat(row(devices, "c-2").getString("latest")).as("1.1.0 beats 0.9.0 and 1.0.0").isEqualTo("1.1.0");
    assertThat(row(devices, "c-3").getString("state")).as("reports downloading").isEqualTo("updateInProgress");
    assertThat(row(devices, "c-4").getString("state")).as("desired differs").isEqualTo("updateInProgress");
    assertThat(row(devices, "c-5").getString("state")).isEqualTo("failed");
    assertThat(row(devices, "c-6").getString("version")).isNull();
    assertThat(row(devices, "c-6").getString("state")).isEqualTo("updateAvailable");
    assertThat(row(devices, "c-7").getString("latest")).as("the lab release fits only the lab device").isEqualTo("9.0.0");
    assertThat(row(devices, "c-7").getString("state")).isEqualTo("updateAvailable");

    assertThat(r.json().getJsonObject("totals")).isEqualTo(new JsonObject().put("onLatest", 1)
        .put("updateInProgress", 2).put("updateAvailable", 3).put("failed", 1));
    assertThat(r.json().getJsonObject("versions")).isEqualTo(new JsonObject().put("1.0.0", 4).put("1.1.0", 2)
        .put("unknown", 1));
    assertThat(r.json().getString("nextCursor")).isNull();
  }

  @Test
  void withoutASelectorEveryDeviceCounts() throws Exception {
    JsonObject all = api.get("/api/v1/compliance").json();
    assertThat(all.getJsonArray("devices")).hasSize(8);
    assertThat(row(all.getJsonArray("devices"), "d-1")).isEqualTo(new JsonObject().put("id", "d-1")
        .put("version", "2.0.0").put("latest", "2.0.0").put("state", "onLatest"));
    assertThat(all.getJsonObject("totals").getInteger("onLatest")).isEqualTo(2);
    assertThat(all.getJsonObject("versions").getInteger("2.0.0")).isEqualTo(1);

    JsonObject lab = api.get("/api/v1/compliance?selector=model:asg210,site:lab").json();
    assertThat(lab.getJsonArray("devices")).hasSize(1);
    assertThat(lab.getJsonObject("totals").getInteger("updateAvailable")).isEqualTo(1);
  }

  @Test
  void pagesFollowTheCursorAndEveryPageCarriesTheSameTotals() throws Exception {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      ApiClient.Response r = api.get("/api/v1/compliance?selector=model:asg210&limit=3"
          + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().getJsonArray("devices").size()).isLessThanOrEqualTo(3);
      r.json().getJsonArray("devices").forEach(d -> ids.add(((JsonObject) d).getString("id")));
      assertThat(r.json().getJsonObject("totals").getInteger("updateAvailable")).isEqualTo(3);
      cursor = r.json().getString("nextCursor");
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(3);
    assertThat(ids).containsExactly("c-1", "c-2", "c-3", "c-4", "c-5", "c-6", "c-7");
  }

  @Test
  void aBadSelectorOrLimitIs400NamingIt() throws Exception {
    ApiClient.Response noValue = api.get("/api/v1/compliance?selector=model");
    assertThat(noValue.status()).isEqualTo(400);
    assertThat(noValue.json().getJsonObject("error").getString("field")).isEqualTo("selector");
    ApiClient.Response badTag = api.get("/api/v1/compliance?selector=mo%20del:x");
    assertThat(badTag.status()).isEqualTo(400);
    assertThat(badTag.json().getJsonObject("error").getString("field")).isEqualTo("selector");
    ApiClient.Response badLimit = api.get("/api/v1/compliance?limit=0");
    assertThat(badLimit.status()).isEqualTo(400);
    assertThat(badLimit.json().getJsonObject("error").getString("field")).isEqualTo("limit");
  }
}
