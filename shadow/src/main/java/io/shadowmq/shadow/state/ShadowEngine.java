package io.shadowmq.shadow.state;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The device shadow, as AWS IoT's Device Shadow service defines it, as a pure function:
 * {@code apply(current, request, now)} gives the replies and the shadow to store. No I/O and no
 * clock: the caller stores {@link ShadowOutcome#next()} before it publishes the replies.
 */
public final class ShadowEngine {
  private final ShadowLimits limits;

  public ShadowEngine(ShadowLimits limits) {
    this.limits = limits;
  }

  public ShadowLimits limits() {
    return limits;
  }

  /**
   * Serves one request.
   *
   * @param current the stored shadow, or null when it never existed
   * @param now     the time, in epoch seconds (AWS's timestamps)
   */
  public ShadowOutcome apply(Shadow current, ShadowRequest request, long now) {
    ShadowKey key = request.key();
    if (!limits.isValidThingName(key.thing())) {
      return ShadowOutcome.rejected(request, ShadowError.invalidThingName(limits.maxThingNameLength()),
          clientToken(request), now);
    }
    if (!key.isClassic() && !limits.isValidShadowName(key.shadow())) {
      return ShadowOutcome.rejected(request, ShadowError.invalidShadowName(limits.maxShadowNameLength()),
          clientToken(request), now);
    }
    RequestBody body;
    try {
      body = RequestBody.parse(request.payload(), request.operation(), limits);
    } catch (RequestBody.Rejection r) {
      return ShadowOutcome.rejected(request, r.error, r.clientToken, now);
    }
    switch (request.operation()) {
      case UPDATE:
        return update(current, request, body, now);
      case GET:
        return get(current, request, body, now);
      default:
        return delete(current, request, body, now);
    }
  }

  /** A rejection decided outside the engine (rate, storage), echoing the request's clientToken if it has one. */
  public ShadowOutcome reject(ShadowRequest request, ShadowError error, long now) {
    return ShadowOutcome.rejected(request, error, clientToken(request), now);
  }

  /**
   * The {@code /update/delta} message for a shadow as it is, or null when it has no delta: what a
   * device gets when it subscribes to its delta topic (offline catch-up).
   */
  public JsonObject deltaMessage(Shadow shadow, long now) {
    if (shadow == null || !shadow.exists()) {
      return null;
    }
    return deltaMessage(shadow, null, now);
  }

  private String clientToken(ShadowRequest request) {
    return RequestBody.clientTokenOf(request.payload(), limits);
  }

  private ShadowOutcome update(Shadow current, ShadowRequest request, RequestBody body, long now) {
    long currentVersion = current == null ? 0 : current.version();
    if (body.version != null && body.version != currentVersion) {
      return ShadowOutcome.rejected(request, ShadowError.VERSION_CONFLICT, body.clientToken, now);
    }
    boolean existed = current != null && current.exists();
    JsonObject oldDesired = existed ? current.desired() : null;
    JsonObject oldReported = existed ? current.reported() : null;
    JsonObject oldMetadata = existed ? current.metadata() : new JsonObject();
    JsonObject state = body.state;

    JsonObject desired = ShadowMerge.section(oldDesired, state, "desired");
    JsonObject reported = ShadowMerge.section(oldReported, state, "reported");
    int size = (desired == null ? 0 : desired.toBuffer().length()) + (reported == null ? 0 : reported.toBuffer().length());
    if (size > limits.maxDocumentBytes()) {
      return ShadowOutcome.rejected(request, ShadowError.tooLarge(limits.maxDocumentBytes()), body.clientToken, now);
    }
    JsonObject metadata = new JsonObject();
    JsonObject desiredMetadata = ShadowMerge.sectionMetadata(oldMetadata.getJsonObject("desired"), desired, state,
        "desired", now);
    JsonObject reportedMetadata = ShadowMerge.sectionMetadata(oldMetadata.getJsonObject("reported"), reported, state,
        "reported", now);
    if (desiredMetadata != null) {
      metadata.put("desired", desiredMetadata);
    }
    if (reportedMetadata != null) {
      metadata.put("reported", reportedMetadata);
    }
    Shadow next = new Shadow(desired, reported, metadata, currentVersion + 1, true);

    // Replies are built when first asked for: a reply nobody subscribes to is never built. What
    // they are built from does not change afterwards (the request's state and the new shadow).
    List<ShadowReply> replies = new ArrayList<>(3);
    String clientToken = body.clientToken;
    replies.add(ShadowReply.lazy(ShadowReply.Kind.ACCEPTED, () -> {
      JsonObject accepted = new JsonObject()
          .put("state", state.copy())
          .put("metadata", ShadowMerge.metadataOf(state, now))
          .put("version", next.version())
          .put("timestamp", now);
      putToken(accepted, clientToken);
      return accepted;
    }));
    JsonObject delta = ShadowDelta.of(next.desired(), next.reported());
    if (delta != null) {
      replies.add(ShadowReply.lazy(ShadowReply.Kind.DELTA, () -> deltaMessage(next, delta, clientToken, now)));
    }
    replies.add(ShadowReply.lazy(ShadowReply.Kind.DOCUMENTS, () -> {
      JsonObject documents = new JsonObject();
      if (existed) {
        documents.put("previous", document(current));
      }
      documents.put("current", document(next)).put("timestamp", now);
      putToken(documents, clientToken);
      return documents;
    }));
    return new ShadowOutcome(request, List.copyOf(replies), next);
  }

  private ShadowOutcome get(Shadow current, ShadowRequest request, RequestBody body, long now) {
    if (current == null || !current.exists()) {
      return ShadowOutcome.rejected(request, notFound(request.key()), body.clientToken, now);
    }
    JsonObject state = current.state();
    JsonObject delta = ShadowDelta.of(current.desired(), current.reported());
    if (delta != null) {
      state.put("delta", delta);
    }
    JsonObject accepted = new JsonObject()
        .put("state", state)
        .put("metadata", current.metadata().copy())
        .put("version", current.version())
        .put("timestamp", now);
    putToken(accepted, body.clientToken);
    return new ShadowOutcome(request, List.of(new ShadowReply(ShadowReply.Kind.ACCEPTED, accepted)), null);
  }

  private ShadowOutcome delete(Shadow current, ShadowRequest request, RequestBody body, long now) {
    if (current == null || !current.exists()) {
      return ShadowOutcome.rejected(request, notFound(request.key()), body.clientToken, now);
    }
    JsonObject accepted = new JsonObject().put("version", current.version()).put("timestamp", now);
    putToken(accepted, body.clientToken);
    return new ShadowOutcome(request, List.of(new ShadowReply(ShadowReply.Kind.ACCEPTED, accepted)),
        Shadow.deleted(current.version()));
  }

  private static ShadowError notFound(ShadowKey key) {
    return key.isClassic() ? ShadowError.THING_NOT_FOUND : ShadowError.noSuchShadow(key.shadow());
  }

  private static JsonObject deltaMessage(Shadow shadow, String clientToken, long now) {
    JsonObject delta = ShadowDelta.of(shadow.desired(), shadow.reported());
    return delta == null ? null : deltaMessage(shadow, delta, clientToken, now);
  }

  private static JsonObject deltaMessage(Shadow shadow, JsonObject delta, String clientToken, long now) {
    JsonObject message = new JsonObject()
        .put("version", shadow.version())
        .put("timestamp", now)
        .put("state", delta)
        .put("metadata", ShadowDelta.metadata(delta, shadow.metadata().getJsonObject("desired")));
    putToken(message, clientToken);
    return message;
  }

  /** A shadow as {@code /update/documents} shows it: state, metadata, version. */
  private static JsonObject document(Shadow shadow) {
    return new JsonObject().put("state", shadow.state()).put("metadata", shadow.metadata().copy())
        .put("version", shadow.version());
  }

  private static void putToken(JsonObject message, String clientToken) {
    if (clientToken != null) {
      message.put("clientToken", clientToken);
    }
  }
}
