package io.shadowmq.broker.api;

import io.shadowmq.broker.TestBroker;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may use the API: no token or an unknown one is 401, a read-only token reads but cannot
 * write (403) nor manage tokens; tokens are made (shown once), listed and revoked, and a revoked
 * token stops working at once. Tokens live in the embedded PostgreSQL.
 */
@Timeout(60)
class AuthorizationApiTest {
  static TestBroker broker;
  static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.startWithStorage();
    api = new ApiClient(broker, broker.adminToken());
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    broker.close();
  }

  @Test
  void withoutAKnownTokenEveryCallIs401() throws Exception {
    try (ApiClient anonymous = new ApiClient(broker, null)) {
      ApiClient.Response none = anonymous.get("/api/v1/devices");
      assertThat(none.status()).isEqualTo(401);
      assertThat(none.errorCode()).isEqualTo("unauthorized");
      assertThat(none.headers().firstValue("www-authenticate")).contains("Bearer");

      anonymous.token("smq_" + "A".repeat(43));
      assertThat(anonymous.get("/api/v1/devices").status()).isEqualTo(401);
      assertThat(anonymous.post("/api/v1/publish", new JsonObject().put("topic", "a")).status()).isEqualTo(401);
      assertThat(anonymous.get("/api/v1/nothing-here").status()).as("no token: not even whether it exists").isEqualTo(401);
    }
  }

  @Test
  void aReadOnlyTokenReadsButCannotWriteOrManageTokens() throws Exception {
    ApiClient.Response made = api.post("/api/v1/admin-tokens", new JsonObject().put("name", "dashboard").put("role", "read-only"));
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    String token = made.json().getString("token");
    assertThat(made.json().getString("role")).isEqualTo("read-only");

    try (ApiClient reader = new ApiClient(broker, token)) {
      assertThat(reader.get("/api/v1/devices").status()).isEqualTo(200);
      assertThat(reader.get("/api/v1/clients").status()).isEqualTo(200);

      ApiClient.Response write = reader.post("/api/v1/devices", new JsonObject().put("id", "ro-1"));
      assertThat(write.status()).isEqualTo(403);
      assertThat(write.errorCode()).isEqualTo("forbidden");
      assertThat(reader.patch("/api/v1/devices/x/shadow", new JsonObject().put("state", new JsonObject())).status())
          .isEqualTo(403);
      assertThat(reader.post("/api/v1/devices/x/methods/reboot", null).status()).isEqualTo(403);
      assertThat(reader.get("/api/v1/admin-tokens").status()).isEqualTo(403);
    }
    assertThat(api.get("/api/v1/devices/ro-1").status()).as("nothing was written").isEqualTo(404);
  }

  @Test
  void tokensAreListedWithoutTheSecretAndARevokedTokenStopsAtOnce() throws Exception {
    ApiClient.Response made = api.post("/api/v1/admin-tokens", new JsonObject().put("name", "ci").put("role", "admin"));
    String id = made.json().getString("id");
    String token = made.json().getString("token");

    ApiClient.Response list = api.get("/api/v1/admin-tokens");
    JsonObject listed = list.json().getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("id").equals(id)).findFirst().orElseThrow();
    assertThat(listed.getString("name")).isEqualTo("ci");
    assertThat(listed.containsKey("token")).isFalse();
    assertThat(list.body()).doesNotContain(token);

    try (ApiClient ci = new ApiClient(broker, token)) {
      assertThat(ci.get("/api/v1/devices").status()).isEqualTo(200);
      assertThat(api.delete("/api/v1/admin-tokens/" + id).status()).isEqualTo(204);
      assertThat(ci.get("/api/v1/devices").status()).isEqualTo(401);
    }
    assertThat(api.delete("/api/v1/admin-tokens/" + id).status()).isEqualTo(404);
  }

  @Test
  void theLastAdminTokenCannotBeRevokedAndABadRoleIs400() throws Exception {
    ApiClient.Response badRole = api.post("/api/v1/admin-tokens", new JsonObject().put("name", "x").put("role", "root"));
    assertThat(badRole.status()).isEqualTo(400);
    assertThat(badRole.json().getJsonObject("error").getString("field")).isEqualTo("role");

    // Leave one admin token, the generated one this client uses: it may not go.
    String generated = null;
    for (JsonObject t : api.get("/api/v1/admin-tokens").json().getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(t -> t.getString("role").equals("admin")).toList()) {
      if (t.getString("name").equals("generated at first start")) {
        generated = t.getString("id");
      } else {
        assertThat(api.delete("/api/v1/admin-tokens/" + t.getString("id")).status()).isEqualTo(204);
      }
    }
    ApiClient.Response last = api.delete("/api/v1/admin-tokens/" + generated);
    assertThat(last.status()).isEqualTo(409);
    assertThat(last.errorCode()).isEqualTo("last_admin_token");
    assertThat(api.get("/api/v1/devices").status()).isEqualTo(200);
  }
}
