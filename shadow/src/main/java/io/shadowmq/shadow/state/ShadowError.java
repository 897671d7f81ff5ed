package io.shadowmq.shadow.state;

/**
 * A reason to reject a shadow request: the HTTP-style code and the message AWS IoT's Device Shadow
 * service uses for it, so that device code written for AWS reads the same answer here.
 */
public record ShadowError(int code, String message) {
  public static final ShadowError INVALID_JSON = new ShadowError(400, "Invalid JSON");
  public static final ShadowError MISSING_STATE = new ShadowError(400, "Missing required node: state");
  public static final ShadowError STATE_NOT_OBJECT = new ShadowError(400, "State node must be an object");
  public static final ShadowError DESIRED_NOT_OBJECT = new ShadowError(400, "Desired node must be an object");
  public static final ShadowError REPORTED_NOT_OBJECT = new ShadowError(400, "Reported node must be an object");
  public static final ShadowError INVALID_VERSION = new ShadowError(400, "Invalid version");
  public static final ShadowError INVALID_CLIENT_TOKEN = new ShadowError(400, "Invalid clientToken");
  public static final ShadowError INVALID_STATE_NODE = new ShadowError(400, "State contains an invalid node");
  public static final ShadowError THING_NOT_FOUND = new ShadowError(404, "Thing not found");
  public static final ShadowError VERSION_CONFLICT = new ShadowError(409, "Version conflict");
  public static final ShadowError NOT_UTF8 = new ShadowError(415,
      "Unsupported documented encoding; supported encoding is UTF-8");
  public static final ShadowError INTERNAL_FAILURE = new ShadowError(500, "Internal service failure");
  public static final ShadowError SERVICE_UNAVAILABLE = new ShadowError(503, "Service unavailable");

  /** 400 for nesting deeper than the limit; AWS's text, which names the limit. */
  public static ShadowError tooDeep(int maxDepth) {
    return new ShadowError(400, "JSON contains too many levels of nesting; maximum is " + maxDepth);
  }

  /** 400 for a client token over the limit: AWS's text, then the limit. */
  public static ShadowError clientTokenTooLong(int maxBytes) {
    return new ShadowError(400, INVALID_CLIENT_TOKEN.message() + " (longer than " + maxBytes + " bytes)");
  }

  /** 413: AWS's text, then the limit, counted as AWS counts it. */
  public static ShadowError tooLarge(int maxBytes) {
    return new ShadowError(413, "The payload exceeds the maximum size allowed (" + maxBytes
        + " bytes of desired and reported state)");
  }

  /** 404 for a named shadow that does not exist. */
  public static ShadowError noSuchShadow(String shadowName) {
    return new ShadowError(404, "No shadow exists with name: " + shadowName);
  }

  /** 429 with the limit that was hit. */
  public static ShadowError tooManyRequests(int perSecond, int burst) {
    return new ShadowError(429, "Too Many Requests: more than " + perSecond + " requests per second (burst "
        + burst + ") on this thing");
  }

  public static ShadowError invalidThingName(int maxLength) {
    return new ShadowError(400, "Invalid thing name: it must match [a-zA-Z0-9:_-]{1," + maxLength + "}");
  }

  public static ShadowError invalidShadowName(int maxLength) {
    return new ShadowError(400, "Invalid shadow name: it must match [a-zA-Z0-9:_-]{1," + maxLength + "}");
  }
}
