package io.shadowmq.admin;

import io.vertx.core.json.JsonObject;

/**
 * A request the API refuses, with its HTTP status, a stable machine-readable code and a message for
 * people; sent as {@code {"error": {"code", "message", "field"?, "reason"?}}}. No stack trace is kept or sent.
 */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String code;
  private final String field;
  private String reason;

  public ApiError(int status, String code, String message) {
    this(status, code, message, null);
  }

  private ApiError(int status, String code, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  /** 400 for one field of the request (body member, query or path parameter). */
  public static ApiError invalidField(String field, String message) {
    return new ApiError(400, "invalid_field", field + ": " + message, field);
  }

  public static ApiError notFound(String code, String message) {
    return new ApiError(404, code, message);
  }

  public static ApiError conflict(String code, String message) {
    return new ApiError(409, code, message);
  }

  /** 403 for a download link that is not good (the reason: expired, bad-signature). */
  public static ApiError linkRefused(String reason, String message) {
    ApiError e = new ApiError(403, "link_refused", message);
    e.reason = reason;
    return e;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public JsonObject toJson() {
    JsonObject error = new JsonObject().put("code", code).put("message", getMessage());
    if (field != null) {
      error.put("field", field);
    }
    if (reason != null) {
      error.put("reason", reason);
    }
    return new JsonObject().put("error", error);
  }
}
