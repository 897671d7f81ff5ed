package io.shadowmq.broker.shadow;

import io.shadowmq.shadow.state.ShadowKey;
import io.shadowmq.shadow.state.ShadowOperation;
import io.shadowmq.shadow.state.ShadowReply;

import java.util.List;

/**
 * The shadow topics the broker serves itself, in two layouts: AWS IoT's
 * ({@code $aws/things/{thing}/shadow/[name/{shadow}/]{update|get|delete}}) and the short one of the
 * software-update pattern ({@code state/{thing}/{update|get|delete}}, the classic shadow). Replies go
 * to the request topic plus {@code /accepted} or {@code /rejected}; {@code /update/delta} and
 * {@code /update/documents} of the classic shadow are published in both layouts, so a device
 * hears of a change whichever layout the change was made in.
 */
public final class ShadowTopics {
  private static final String AWS_PREFIX = "$aws/things/";
  private static final String STATE_PREFIX = "state/";

  private ShadowTopics() {
  }

  /** The two topic layouts. */
  public enum Layout { AWS, STATE }

  /** A request topic, understood. */
  public record Request(ShadowKey key, ShadowOperation operation, Layout layout) {
  }

  /** The request a topic names, or null when it is not a shadow request topic (replies are not requests). */
  public static Request parseRequest(String topic) {
    if (topic.startsWith(AWS_PREFIX)) {
      String[] levels = topic.split("/", -1);
      if (levels.length == 5 && levels[3].equals("shadow")) {
        ShadowOperation op = ShadowOperation.ofWord(levels[4]);
        return op == null ? null : new Request(ShadowKey.classic(levels[2]), op, Layout.AWS);
      }
      if (levels.length == 7 && levels[3].equals("shadow") && levels[4].equals("name")) {
        ShadowOperation op = ShadowOperation.ofWord(levels[6]);
        return op == null ? null : new Request(ShadowKey.named(levels[2], levels[5]), op, Layout.AWS);
      }
      return null;
    }
    if (topic.startsWith(STATE_PREFIX)) {
      String[] levels = topic.split("/", -1);
      if (levels.length == 3) {
        ShadowOperation op = ShadowOperation.ofWord(levels[2]);
        return op == null ? null : new Request(ShadowKey.classic(levels[1]), op, Layout.STATE);
      }
    }
    return null;
  }

  /** The shadow whose {@code update/delta} topic this is (a topic name, no wildcards), or null. */
  public static ShadowKey parseDeltaTopic(String topic) {
    if (!topic.endsWith("/update/delta")) {
      return null;
    }
    Request r = parseRequest(topic.substring(0, topic.length() - "/delta".length()));
    return r == null || r.operation() != ShadowOperation.UPDATE ? null : r.key();
  }

  /** Where a reply goes: the answer to the request's own topic, delta and documents to every layout of the shadow. */
  public static List<String> replyTopics(Request request, ShadowReply.Kind kind) {
    if (kind.isAnswer()) {
      return List.of(base(request.key(), request.layout()) + "/" + request.operation().word() + "/" + kind.word());
    }
    String suffix = "/update/" + kind.word();
    if (request.key().isClassic()) {
      return List.of(base(request.key(), Layout.AWS) + suffix, base(request.key(), Layout.STATE) + suffix);
    }
    return List.of(base(request.key(), Layout.AWS) + suffix);
  }

  private static String base(ShadowKey key, Layout layout) {
    if (layout == Layout.STATE) {
      return STATE_PREFIX + key.thing();
    }
    return key.isClassic() ? AWS_PREFIX + key.thing() + "/shadow" : AWS_PREFIX + key.thing() + "/shadow/name/" + key.shadow();
  }
}
