package io.shadowmq.broker.api;

import io.shadowmq.broker.TestBroker;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A plain HTTP client (java.net.http) for the admin API of a test broker. Every JSON answer is
 * checked against the API's own OpenAPI description (/openapi.yaml, with vertx-openapi): a status
 * or a body the description does not allow fails the test that got it.
 */
public final class ApiClient implements AutoCloseable {
  /** An answer: its status, body and headers. */
  public record Response(int status, String body, java.net.http.HttpHeaders headers) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    /** The error code of an error answer. */
    public String errorCode() {
      return json().getJsonObject("error").getString("code");
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Vertx vertx = Vertx.vertx();
  private final String base;
  private final OpenAPIContract contract;
  private final ResponseValidator validator;
  private String token;

  public ApiClient(TestBroker broker, String token) throws Exception {
    this.base = broker.httpUri();
    this.token = token;
    String yaml = get("/openapi.yaml").body();
    java.nio.file.Path file = java.nio.file.Files.createTempFile("openapi", ".yaml");
    java.nio.file.Files.writeString(file, yaml);
    this.contract = OpenAPIContract.from(vertx, file.toString()).await(20, TimeUnit.SECONDS);
    this.validator = ResponseValidator.create(vertx, contract);
  }

  /** Uses another token from now on (null: none). */
  ApiClient token(String bearer) {
    this.token = bearer;
    return this;
  }

  public Response get(String path) throws Exception {
    return send("GET", path, null);
  }

  public Response post(String path, JsonObject body) throws Exception {
    return send("POST", path, body == null ? null : body.encode());
  }

  public Response patch(String path, JsonObject body) throws Exception {
    return send("PATCH", path, body.encode());
  }

  public Response delete(String path) throws Exception {
    return send("DELETE", path, null);
  }

  /** Sends a body of bytes as it is published (a file upload), with extra headers. */
  public Response send(String method, String path, HttpRequest.BodyPublisher body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
        .method(method, body);
    headers.forEach(b::header);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    Response response = new Response(r.statusCode(), r.body(), r.headers());
    checkAgainstContract(method, URI.create(base + path).getPath(), response);
    return response;
  }

  /** Sends a raw body (for malformed JSON). */
  Response send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    Response response = new Response(r.statusCode(), r.body(), r.headers());
    if (contract != null) {
      checkAgainstContract(method, URI.create(base + path).getPath(), response);
    }
    return response;
  }

  private void checkAgainstContract(String method, String path, Response r) {
    Operation op = contract.findOperation(path, HttpMethod.valueOf(method));
    if (op == null) {
      // Only a refusal may come from a path the description does not have, and in the error format.
      JsonObject error = r.status() >= 400 ? r.json().getJsonObject("error") : null;
      if (error == null || error.getString("code") == null || error.getString("message") == null) {
        throw new AssertionError(method + " " + path + " is not described in /openapi.yaml, yet answered "
            + r.status() + " " + r.body());
      }
      return;
    }
    String type = r.headers().firstValue("content-type").orElse(null);
    if (type != null && !type.startsWith("application/json")) {
      return; // the validator reads JSON bodies only (metrics, the document itself)
    }
    Map<String, String> headers = new HashMap<>();
    r.headers().map().forEach((k, v) -> headers.put(k, String.join(",", v)));
    ValidatableResponse response = r.body().isEmpty() ? ValidatableResponse.create(r.status(), headers)
        : ValidatableResponse.create(r.status(), headers, Buffer.buffer(r.body()), type);
    try {
      validator.validate(response, op.getOperationId()).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " answered " + r.status() + " " + r.body()
          + ", which /openapi.yaml does not allow: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {

    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
