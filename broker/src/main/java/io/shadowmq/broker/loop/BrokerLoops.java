package io.shadowmq.broker.loop;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** One {@link BrokerLoop} per event loop of the group that carries the MQTT connections. */
public final class BrokerLoops {
  private final List<BrokerLoop> loops = new ArrayList<>();
  private final Map<EventExecutor, BrokerLoop> byExecutor = new ConcurrentHashMap<>();

  public BrokerLoops(EventLoopGroup group) throws InterruptedException {
    List<EventExecutor> executors = new ArrayList<>();
    group.forEach(executors::add);
    CountDownLatch bound = new CountDownLatch(executors.size());
    for (EventExecutor executor : executors) {
      BrokerLoop loop = new BrokerLoop(loops.size(), executor, this, executors.size());
      loops.add(loop);
      byExecutor.put(executor, loop);
      executor.execute(() -> {
        loop.bindToThread();
        loop.startTicking();
        bound.countDown();
      });
    }
    if (!bound.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("event loops did not start");
    }
  }

  public BrokerLoop get(int index) {
    return loops.get(index);
  }

  public int size() {
    return loops.size();
  }

  public List<BrokerLoop> all() {
    return loops;
  }

  /** The broker loop of a Netty event loop of the group. */
  public BrokerLoop of(EventExecutor executor) {
    BrokerLoop loop = byExecutor.get(executor);
    if (loop == null) {
      throw new IllegalArgumentException("not an event loop of the MQTT group: " + executor);
    }
    return loop;
  }
}
