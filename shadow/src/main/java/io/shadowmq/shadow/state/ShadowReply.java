package io.shadowmq.shadow.state;

import io.vertx.core.json.JsonObject;

/**
 * One message the shadow service sends in answer to a request or after a change: the direct
 * answer ({@code accepted} or {@code rejected}), the {@code delta}, or the {@code documents}.
 */
public record ShadowReply(Kind kind, JsonObject body) {

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
