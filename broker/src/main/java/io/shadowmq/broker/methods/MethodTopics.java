package io.shadowmq.broker.methods;

import io.shadowmq.broker.codec.PacketProperties;
import io.shadowmq.broker.codec.UserProperty;

import java.nio.charset.StandardCharsets;

/**
 * The direct-method topics, in the IoT Hub layout: the broker sends a request on
 * {@code $iothub/methods/POST/{method}/?$rid={rid}} and the device answers on
 * {@code $iothub/methods/res/{status}/?$rid={rid}}. An MQTT 5 device may instead answer on the
 * request's Response Topic ({@code $iothub/methods/res/{rid}}) with its Correlation Data, and give
 * the status as the user property {@code status} (200 when absent).
 */
public final class MethodTopics {
  /** Requests: published by the broker only, to one device. */
  public static final String REQUEST_PREFIX = "$iothub/methods/POST/";
  /** Answers from devices. */
  public static final String RESPONSE_PREFIX = "$iothub/methods/res/";
  private static final String RID = "?$rid=";

  private MethodTopics() {
  }

  /** An answer, understood: the request id it answers and the device's status. */
  public record Answer(String rid, int status) {
  }

  public static String requestTopic(String method, String rid) {
    return REQUEST_PREFIX + method + "/" + RID + rid;
  }

  /** The Response Topic an MQTT 5 request carries. */
  public static String responseTopic(String rid) {
    return RESPONSE_PREFIX + rid;
  }

  /** The answer a PUBLISH under {@link #RESPONSE_PREFIX} carries, or null when it names no request. */
  public static Answer parseAnswer(String topic, PacketProperties props) {
    String[] levels = topic.substring(RESPONSE_PREFIX.length()).split("/", -1);
    if (levels.length == 2 && levels[1].startsWith(RID)) {
      String rid = levels[1].substring(RID.length());
      int amp = rid.indexOf('&');
      rid = amp >= 0 ? rid.substring(0, amp) : rid;
      Integer status = parseStatus(levels[0]);
      return status == null || rid.isEmpty() ? null : new Answer(rid, status);
    }
    String rid = props.correlationData != null ? new String(props.correlationData, StandardCharsets.UTF_8)
        : levels.length == 1 ? levels[0] : null;
    if (rid == null || rid.isEmpty()) {
      return null;
    }
    Integer status = 200;
    if (props.userProperties != null) {
      for (UserProperty p : props.userProperties) {
        if (p.name().equals("status")) {
          status = parseStatus(p.value());
        }
      }
    }
    return status == null ? null : new Answer(rid, status);
  }

  private static Integer parseStatus(String s) {
    try {
      int v = Integer.parseInt(s);
      return v >= 0 && v <= 999_999 ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
