package io.shadowmq.shadow.state;

import io.vertx.core.json.JsonObject;

import java.util.function.Supplier;

/**
 * One message the shadow service sends in answer to a request or after a change: the direct
 * answer ({@code accepted} or {@code rejected}), the {@code delta}, or the {@code documents}. A
 * body may be built on first use: the documents, with previous and current in full, are costly
 * and often nobody subscribes to them.
 */
public final class ShadowReply {
  private final Kind kind;
  private Supplier<JsonObject> lazyBody;
  private JsonObject body;

  public ShadowReply(Kind kind, JsonObject body) {
    this.kind = kind;
    this.body = body;
  }

  /** A reply whose body is built when it is first asked for (and then kept). */
  public static ShadowReply lazy(Kind kind, Supplier<JsonObject> body) {
    ShadowReply r = new ShadowReply(kind, null);
    r.lazyBody = body;
    return r;
  }

  public Kind kind() {
    return kind;
  }

  public synchronized JsonObject body() {
    if (body == null && lazyBody != null) {
      body = lazyBody.get();
      lazyBody = null;
    }
    return body;
  }

  /** Which reply topic it goes to, under the operation's topic ({@code delta} and {@code documents} under update). */
  public enum Kind {
    ACCEPTED("accepted"), REJECTED("rejected"), DELTA("delta"), DOCUMENTS("documents");

    private final String word;

    Kind(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }

    /** Whether this is the direct answer to the request (the one an MQTT 5 Response Topic gets too). */
    public boolean isAnswer() {
      return this == ACCEPTED || this == REJECTED;
    }
  }
}
