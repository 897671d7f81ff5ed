package io.shadowmq.broker.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import io.shadowmq.broker.codec.MqttEncoder;
import io.shadowmq.broker.loop.BrokerLoop;
import io.shadowmq.broker.routing.Message;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Fan-out encodes once: a QoS 0 message going to many subscribers of one event loop is encoded the
 * first time and the same bytes are written to every other connection that takes the same form of
 * it (protocol family and retain flag; no subscription identifiers, topic alias or expiry to set per
 * subscriber). The encodings live until the end of the loop's current batch.
 */
final class SharedEncodings {
  private static final FastThreadLocal<SharedEncodings> PER_LOOP = new FastThreadLocal<>() {
    @Override
    protected SharedEncodings initialValue() {
      return new SharedEncodings();
    }
  };

  private final Map<Message, ByteBuf[]> encoded = new IdentityHashMap<>();
  private final Runnable clear = this::clear;
  private boolean clearScheduled;

  /** The encodings of the calling event loop. */
  static SharedEncodings current() {
    return PER_LOOP.get();
  }

  /** Whether a delivery can use a shared encoding: nothing in it differs per subscriber. */
  static boolean shareable(int qos, int[] subscriptionIds, boolean aliased, long expiry) {
    return qos == 0 && subscriptionIds == null && !aliased && expiry < 0;
  }

  /**
   * The QoS 0 PUBLISH of the message for a protocol level and retain flag, to write once: the first
   * call encodes, the next ones (in the same batch) duplicate the bytes.
   */
  ByteBuf publishQos0(BrokerLoop loop, ByteBufAllocator alloc, Message m, int protocolLevel, boolean retain) {
    int variant = (protocolLevel == 5 ? 2 : 0) + (retain ? 1 : 0);
    ByteBuf[] forms = encoded.get(m);
    if (forms == null) {
      forms = new ByteBuf[4];
      encoded.put(m, forms);
      if (!clearScheduled) {
        clearScheduled = true;
        loop.flushLater(clear);
      }
    }
    ByteBuf buf = forms[variant];
    if (buf == null) {
      buf = MqttEncoder.encodePublish(alloc, protocolLevel, m.topic(), 0, false, retain, 0, m.payload(), m.properties(),
          -1, null, -1);
      forms[variant] = buf;
    }
    return buf.retainedDuplicate();
  }

  private void clear() {
    clearScheduled = false;
    for (ByteBuf[] forms : encoded.values()) {
      for (ByteBuf b : forms) {
        if (b != null) {
          b.release();
        }
      }
    }
    encoded.clear();
  }
}
