package io.shadowmq.broker.session;

import io.shadowmq.broker.loop.BrokerLoop;
import io.shadowmq.broker.routing.Delivery;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * How deliveries reach a session from any event loop, and which loop owns the session. A delivery
 * posted on the owner loop, with nothing waiting, is handed over at once; any other is pushed onto a
 * lock-free inbox (a Treiber stack the owner takes whole and reverses), and one drain of it is
 * scheduled on the owner, batched with the poster's other handovers. Every delivery for the session
 * passes through this one FIFO per poster, so moving the session to another loop cannot reorder what
 * one publisher sent.
 */
final class SessionMailbox {
  private static final VarHandle INBOX;
  private static final VarHandle DRAIN_SCHEDULED;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      INBOX = l.findVarHandle(SessionMailbox.class, "inbox", Node.class);
      DRAIN_SCHEDULED = l.findVarHandle(SessionMailbox.class, "drainScheduled", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final class Node {
    final Delivery delivery;
    final Node next;

    Node(Delivery delivery, Node next) {
      this.delivery = delivery;
      this.next = next;
    }
  }

  private final Consumer<Delivery> deliver;
  private final Runnable drainTask = this::drain;
  private volatile BrokerLoop owner;
  private volatile boolean inTransit;
  @SuppressWarnings("unused") // through INBOX
  private volatile Node inbox;
  @SuppressWarnings("unused") // through DRAIN_SCHEDULED
  private volatile int drainScheduled;

  /** @param deliver takes a delivery on the owner loop */
  SessionMailbox(BrokerLoop owner, Consumer<Delivery> deliver) {
    this.owner = owner;
    this.deliver = deliver;
  }

  BrokerLoop owner() {
    return owner;
  }

  boolean inTransit() {
    return inTransit;
  }

  /** From any thread. */
  void post(Delivery delivery) {
    BrokerLoop current = BrokerLoop.current();
    if (current != null && current == owner && !inTransit && INBOX.getVolatile(this) == null) {
      deliver.accept(delivery);
      return;
    }
    Node head;
    do {
      head = (Node) INBOX.getVolatile(this);
    } while (!INBOX.compareAndSet(this, head, new Node(delivery, head)));
    if (DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
      BrokerLoop target = owner;
      if (current != null) {
        current.handover(target, drainTask);
      } else {
        target.execute(drainTask);
      }
    }
  }

  /** Drains the inbox on the owner loop; a request that reaches a former owner is passed on. */
  void drain() {
    BrokerLoop me = owner;
    if (!me.inLoop()) {
      me.execute(drainTask);
      return;
    }
    if (inTransit) {
      return; // the loop taking the session over drains when it arrives
    }
    DRAIN_SCHEDULED.setVolatile(this, 0);
    Node stack = (Node) INBOX.getAndSet(this, null);
    if (stack == null) {
      return;
    }
    Node reversed = null;
    for (Node n = stack; n != null; n = n.next) {
      reversed = new Node(n.delivery, reversed);
    }
    for (Node n = reversed; n != null; n = n.next) {
      deliver.accept(n.delivery);
    }
  }

  /** Runs the task on the owner loop, following the session if it moves meanwhile. */
  void runOnOwner(Runnable task) {
    BrokerLoop o = owner;
    if (o.inLoop() && !inTransit) {
      task.run();
      return;
    }
    o.execute(() -> {
      if (owner != o || inTransit) {
        runOnOwner(task);
      } else {
        task.run();
      }
    });
  }

  /** Hands the session to another loop; called on the current owner. The target runs onArrival, then drains. */
  void moveTo(BrokerLoop target, Runnable onArrival) {
    inTransit = true;
    owner = target;
    target.execute(() -> {
      inTransit = false;
      onArrival.run();
      drain();
    });
  }
}
