package io.shadowmq.broker.shadow;

import io.shadowmq.broker.codec.PacketProperties;
import io.shadowmq.broker.routing.Message;
import io.shadowmq.shadow.port.ShadowReplies;
import io.shadowmq.shadow.service.ShadowService;
import io.shadowmq.shadow.state.ShadowKey;
import io.shadowmq.shadow.state.ShadowOutcome;
import io.shadowmq.shadow.state.ShadowReply;
import io.shadowmq.shadow.state.ShadowRequest;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Where MQTT meets the shadow service: PUBLISHes to shadow request topics become requests, and
 * outcomes become ordinary publishes on the reply topics (so wildcard subscribers get them too),
 * plus, for an MQTT 5 request with a Response Topic, the answer on that topic with its Correlation
 * Data. Also the offline catch-up: a device subscribing to its own delta topic gets the current
 * delta at once.
 *
 * <p>Requests made over HTTP are served by the service directly; their replies come back through
 * {@link #publish(ShadowOutcome)}, so devices hear of changes whichever way they were made.
 */
public final class ShadowTopicAdapter implements ShadowReplies {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowTopicAdapter.class);
  /** Replies go out at QoS 1: a subscriber that asks for QoS 1 gets them reliably. */
  private static final int REPLY_QOS = 1;

  private final ShadowService service;
  private final ToIntFunction<Message> publish;
  private final Predicate<String> subscribed;

  /**
   * @param publish    the broker's publish: routes a message to its subscribers
   * @param subscribed whether a topic has any subscriber now: replies nobody listens to are not encoded
   */
  public ShadowTopicAdapter(ShadowService service, ToIntFunction<Message> publish, Predicate<String> subscribed) {
    this.service = service;
    this.publish = publish;
    this.subscribed = subscribed;
  }

  /**
   * Takes a PUBLISH if its topic is a shadow request topic: the request is served and answered
   * asynchronously, after its change is committed. Returns false for any other topic (route it).
   */
  public boolean offer(String clientId, String topic, byte[] payload, PacketProperties properties) {
    ShadowTopics.Request parsed = ShadowTopics.parseRequest(topic);
    if (parsed == null) {
      return false;
    }
    ShadowRequest request = new ShadowRequest(parsed.key(), parsed.operation(), payload);
    String responseTopic = properties.responseTopic;
    byte[] correlation = properties.correlationData;
    service.handle(request).onComplete(ar -> {
      if (ar.succeeded()) {
        publishReplies(parsed, ar.result(), responseTopic, correlation);
      } else {
        // The service turns every failure into a rejection; this is a defect, not a client error.
        LOG.error("shadow request of {} on {} failed", clientId, topic, ar.cause());
      }
    });
    return true;
  }

  /**
   * A client subscribed to {@code filter}: if it is the delta topic of the client's own thing and
   * the shadow has a delta, {@code deliver} gets it (for that client alone).
   */
  public void onSubscribed(String clientId, String filter, Consumer<Message> deliver) {
    if (filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0) {
      return;
    }
    ShadowKey key = ShadowTopics.parseDeltaTopic(filter);
    if (key == null || !key.thing().equals(clientId)) {
      return;
    }
    service.currentDelta(key).onComplete(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        deliver.accept(message(filter, ar.result(), PacketProperties.NONE));
      } else if (ar.failed()) {
        LOG.debug("no delta catch-up for {}: {}", clientId, ar.cause().toString());
      }
    });
  }

  /** Replies of a request made over HTTP: published in the AWS layout, delta and documents in both. */
  @Override
  public void publish(ShadowOutcome outcome) {
    ShadowRequest r = outcome.request();
    publishReplies(new ShadowTopics.Request(r.key(), r.operation(), ShadowTopics.Layout.AWS), outcome, null, null);
  }

  private void publishReplies(ShadowTopics.Request request, ShadowOutcome outcome, String responseTopic,
                              byte[] correlation) {
    for (ShadowReply reply : outcome.replies()) {
      byte[] encoded = null; // each reply is encoded once, and only if someone is to get it
      for (String topic : ShadowTopics.replyTopics(request, reply.kind())) {
        if (subscribed.test(topic)) {
          encoded = encoded != null ? encoded : reply.body().toBuffer().getBytes();
          publish.applyAsInt(new Message(topic, encoded, REPLY_QOS, false, PacketProperties.NONE, 0, null));
        }
      }
      if (responseTopic != null && reply.kind().isAnswer()) {
        PacketProperties props = new PacketProperties();
        props.correlationData = correlation;
        encoded = encoded != null ? encoded : reply.body().toBuffer().getBytes();
        publish.applyAsInt(new Message(responseTopic, encoded, REPLY_QOS, false, props, 0, null));
      }
    }
  }

  private static Message message(String topic, JsonObject body, PacketProperties props) {
    return new Message(topic, body.toBuffer().getBytes(), REPLY_QOS, false, props, 0, null);
  }
}
