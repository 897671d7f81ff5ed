package io.shadowmq.broker.methods;

import io.shadowmq.broker.codec.PacketProperties;
import io.shadowmq.broker.metrics.BrokerMetrics;
import io.shadowmq.broker.metrics.BrokerMetrics.MethodOutcome;
import io.shadowmq.broker.routing.Message;
import io.shadowmq.broker.session.SessionRegistry;
import io.shadowmq.shadow.port.MethodCall;
import io.shadowmq.shadow.port.MethodResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct method calls on devices: a request goes to the device's session alone (never through
 * the router, so other clients subscribed to the method topics hear nothing of it), and the
 * device's answer on the response topics completes the call; no answer in time ends it as timed
 * out. Answers are taken by the broker and not routed. Callable from any thread.
 */
public final class MethodCalls {
  private static final Logger LOG = LoggerFactory.getLogger(MethodCalls.class);

  /** A call waiting for its answer. */
  private record Pending(Promise<MethodResult> promise, long timer) {
  }

  private final Vertx vertx;
  private final SessionRegistry sessions;
  private final BrokerMetrics metrics;
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  /** A random prefix per node start: a late answer to a call of an earlier run never matches a new one. */
  private final String node;

  public MethodCalls(Vertx vertx, SessionRegistry sessions, BrokerMetrics metrics) {
    this.vertx = vertx;
    this.sessions = sessions;
    this.metrics = metrics;
    byte[] random = new byte[3];
    new SecureRandom().nextBytes(random);
    this.node = HexFormat.of().formatHex(random);
  }

  /**
   * Sends the request to the device and completes with its answer, or with offline (not connected,
   * or not subscribed to the request topic) or timed out. Completes on the caller's context.
   */
  public Future<MethodResult> invoke(MethodCall call) {
    Context caller = Vertx.currentContext();
    String rid = node + Long.toHexString(sequence.incrementAndGet());
    String key = key(call.deviceId(), rid);
    PacketProperties props = new PacketProperties();
    props.responseTopic = MethodTopics.responseTopic(rid);
    props.correlationData = rid.getBytes(StandardCharsets.UTF_8);
    props.contentType = "application/json";
    long timeoutMillis = call.timeout().toMillis();
    // Expires with the call: a request still queued when nobody waits for its answer is not sent.
    Message request = new Message(MethodTopics.requestTopic(call.method(), rid), call.payload(), 1, false, props,
        System.currentTimeMillis() + timeoutMillis, null);
    Promise<MethodResult> result = Promise.promise();
    long timer = vertx.setTimer(timeoutMillis, id -> finish(key, MethodOutcome.TIMED_OUT, MethodResult.timedOut()));
    pending.put(key, new Pending(result, timer));
    sessions.deliverTo(call.deviceId(), request).onComplete(ar -> {
      if (ar.failed() || !ar.result()) {
        finish(key, MethodOutcome.OFFLINE, MethodResult.offline());
      }
    });
    return onCaller(caller, result.future());
  }

  /**
   * Takes a client's PUBLISH if it is on the method response topics (true; it is then not routed):
   * an answer to a call waiting for that client completes the call, anything else is dropped.
   */
  public boolean offer(String clientId, String topic, byte[] payload, PacketProperties props) {
    if (!topic.startsWith(MethodTopics.RESPONSE_PREFIX)) {
      return false;
    }
    MethodTopics.Answer answer = MethodTopics.parseAnswer(topic, props);
    if (answer == null || !finish(key(clientId, answer.rid()), MethodOutcome.ANSWERED,
        MethodResult.answered(answer.status(), payload))) {
      LOG.debug("{} answered no waiting method call on {}", clientId, topic);
    }
    return true;
  }

  /** Calls waiting for an answer now. */
  public int waiting() {
    return pending.size();
  }

  private boolean finish(String key, MethodOutcome outcome, MethodResult result) {
    Pending p = pending.remove(key);
    if (p == null) {
      return false; // answered, timed out or found offline already
    }
    vertx.cancelTimer(p.timer());
    metrics.methodCall(outcome);
    p.promise().complete(result);
    return true;
  }

  private static String key(String clientId, String rid) {
    return clientId + '\n' + rid;
  }

  private static <T> Future<T> onCaller(Context caller, Future<T> f) {
    if (caller == null) {
      return f;
    }
    Promise<T> p = Promise.promise();
    f.onComplete(ar -> caller.runOnContext(v -> p.handle(ar)));
    return p.future();
  }
}
