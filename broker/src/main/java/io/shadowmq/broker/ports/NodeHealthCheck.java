package io.shadowmq.broker.ports;

import io.shadowmq.broker.loop.BrokerLoop;
import io.shadowmq.shadow.port.NodeHealth;
import io.shadowmq.shadow.store.Storage;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The node's health for the probes: its event loops run tasks, its listeners are bound, its storage answers. */
public final class NodeHealthCheck implements NodeHealth {
  private final List<BrokerLoop> loops;
  private final BooleanSupplier listenersBound;
  private final Storage storage;

  /** @param storage null without storage ({@code --in-memory}) */
  public NodeHealthCheck(List<BrokerLoop> loops, BooleanSupplier listenersBound, Storage storage) {
    this.loops = loops;
    this.listenersBound = listenersBound;
    this.storage = storage;
  }

  @Override
  public Future<Void> eventLoopsAnswer(Duration within) {
    List<Future<Void>> answers = new ArrayList<>(loops.size());
    for (BrokerLoop loop : loops) {
      Promise<Void> ran = Promise.promise();
      loop.execute(ran::tryComplete);
      answers.add(ran.future());
    }
    return Future.all(answers).timeout(within.toMillis(), TimeUnit.MILLISECONDS).mapEmpty();
  }

  @Override
  public boolean listenersBound() {
    return listenersBound.getAsBoolean();
  }

  @Override
  public boolean storageReachable() {
    return storage == null || storage.isReady();
  }
}
