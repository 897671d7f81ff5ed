package io.shadowmq.shadow.state;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What a request led to: the replies to publish, in order, and the shadow to store first (null when
 * nothing changed). Replies must not be published before {@link #next()} is stored.
 */
public record ShadowOutcome(ShadowRequest request, List<ShadowReply> replies, Shadow next) {

  /** A rejection: one {@code rejected} reply, nothing to store. */
  public static ShadowOutcome rejected(ShadowRequest request, ShadowError error, String clientToken, long now) {
    JsonObject body = new JsonObject().put("code", error.code()).put("message", error.message()).put("timestamp", now);
    if (clientToken != null) {
      body.put("clientToken", clientToken);
    }
    return new ShadowOutcome(request, List.of(new ShadowReply(ShadowReply.Kind.REJECTED, body)), null);
  }

  /** The direct answer: the accepted or rejected reply. */
  public ShadowReply answer() {
    return replies.get(0);
  }

  public boolean isAccepted() {
    return answer().kind() == ShadowReply.Kind.ACCEPTED;
  }

  /** The rejection code, or 0 when accepted. */
  public int code() {
    return isAccepted() ? 0 : answer().body().getInteger("code");
  }
}
