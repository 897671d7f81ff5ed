package io.shadowmq.broker.loop;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The broker's state for one event loop thread: the connections on it, the work it batches before
 * handing it to other loops, and the writes it flushes once per batch. Everything here except
 * {@link #execute} and {@link #schedule} is called only on the loop's own thread.
 *
 * <p>Batching: work for another loop (a session to drain there) and channels with unflushed writes
 * are collected while the loop processes its I/O, then sent on with one task per target loop and
 * one flush per channel, in a task that runs right after the I/O batch.
 */
public final class BrokerLoop {
  private static final FastThreadLocal<BrokerLoop> CURRENT = new FastThreadLocal<>();

  private final int index;
  private final EventExecutor executor;
  private final BrokerLoops loops;
  private final List<LoopMember> members = new ArrayList<>();
  private final List<Runnable> toFlush = new ArrayList<>();
  private final List<List<Runnable>> handovers;
  private boolean batchScheduled;
  private final Runnable endOfBatch = this::endOfBatch;

  BrokerLoop(int index, EventExecutor executor, BrokerLoops loops, int loopCount) {
    this.index = index;
    this.executor = executor;
    this.loops = loops;
    this.handovers = new ArrayList<>(loopCount);
    for (int i = 0; i < loopCount; i++) {
      handovers.add(new ArrayList<>());
    }
  }

  /** Binds the loop to its thread; run once, on that thread. */
  void bindToThread() {
    CURRENT.set(this);
  }

  /** The broker loop of the calling thread, or null on a thread that is not one. */
  public static BrokerLoop current() {
    return CURRENT.getIfExists();
  }

  public int index() {
    return index;
  }

  public boolean inLoop() {
    return executor.inEventLoop();
  }

  public void execute(Runnable task) {
    executor.execute(task);
  }

  public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    return executor.schedule(task, delay, unit);
  }

  /** Runs {@code task} on {@code target}; tasks for one target are sent on together after this batch. */
  public void handover(BrokerLoop target, Runnable task) {
    handovers.get(target.index).add(task);
    scheduleEndOfBatch();
  }

  /** Runs {@code flush} once after the current batch (a channel's flush after its writes). */
  public void flushLater(Runnable flush) {
    toFlush.add(flush);
    scheduleEndOfBatch();
  }

  private void scheduleEndOfBatch() {
    if (!batchScheduled) {
      batchScheduled = true;
      executor.execute(endOfBatch);
    }
  }

  private void endOfBatch() {
    batchScheduled = false;
    for (int i = 0; i < handovers.size(); i++) {
      List<Runnable> tasks = handovers.get(i);
      if (tasks.isEmpty()) {
        continue;
      }
      Runnable[] batch = tasks.toArray(new Runnable[0]);
      tasks.clear();
      BrokerLoop target = loops.get(i);
      if (target == this) {
        runAll(batch);
      } else {
        target.execute(() -> runAll(batch));
      }
    }
    // Flush last: handovers run on this loop above may have written more.
    for (int i = 0; i < toFlush.size(); i++) {
      toFlush.get(i).run();
    }
    toFlush.clear();
  }

  private static void runAll(Runnable[] tasks) {
    for (Runnable t : tasks) {
      t.run();
    }
  }

  public void add(LoopMember member) {
    member.loopSlot(members.size());
    members.add(member);
  }

  public void remove(LoopMember member) {
    int slot = member.loopSlot();
    if (slot < 0 || slot >= members.size() || members.get(slot) != member) {
      return;
    }
    LoopMember last = members.remove(members.size() - 1);
    if (last != member) {
      members.set(slot, last);
      last.loopSlot(slot);
    }
    member.loopSlot(-1);
  }

  public int memberCount() {
    return members.size();
  }

  /** A copy of the members, for shutdown. */
  public List<LoopMember> members() {
    return new ArrayList<>(members);
  }

  void tick() {
    long now = System.nanoTime();
    // Iterate backwards: a tick may remove the member (a timed-out connection closes).
    for (int i = members.size() - 1; i >= 0; i--) {
      if (i < members.size()) {
        members.get(i).tick(now);
      }
    }
  }

  void startTicking() {
    executor.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
  }
}
