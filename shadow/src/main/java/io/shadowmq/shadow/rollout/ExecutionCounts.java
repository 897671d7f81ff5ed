package io.shadowmq.shadow.rollout;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;

/**
 * How many executions of a rollout are in each state, overall and per wave: the engine's aggregate
 * view, kept up to date with every transition so that no decision needs to count rows. Wave -1 holds
 * the executions never notified (queued, skipped, or canceled before their turn).
 */
public final class ExecutionCounts {
  private static final ExecutionState[] STATES = ExecutionState.values();
  private final TreeMap<Integer, long[]> byWave = new TreeMap<>();

  /** Adds {@code n} executions in {@code state} to {@code wave} (-1: none yet). */
  public void add(int wave, ExecutionState state, long n) {
    byWave.computeIfAbsent(wave, w -> new long[STATES.length])[state.ordinal()] += n;
  }

  /** Moves one execution. */
  public void move(int fromWave, ExecutionState from, int toWave, ExecutionState to) {
    add(fromWave, from, -1);
    add(toWave, to, 1);
  }

  public long get(int wave, ExecutionState state) {
    long[] c = byWave.get(wave);
    return c == null ? 0 : c[state.ordinal()];
  }

  public long total(ExecutionState state) {
    long n = 0;
    for (long[] c : byWave.values()) {
      n += c[state.ordinal()];
    }
    return n;
  }

  /** Executions ever notified in {@code wave}. */
  public long assigned(int wave) {
    long[] c = byWave.get(wave);
    long n = 0;
    if (c != null) {
      for (long v : c) {
        n += v;
      }
    }
    return n;
  }

  /** Executions in {@code wave} that are not done yet. */
  public long open(int wave) {
    return get(wave, ExecutionState.QUEUED) + get(wave, ExecutionState.NOTIFIED) + get(wave, ExecutionState.IN_PROGRESS);
  }

  public long inFlight() {
    return total(ExecutionState.NOTIFIED) + total(ExecutionState.IN_PROGRESS);
  }

  /** Finished executions (succeeded or failed) and failures among them, in a wave or (wave null) overall. */
  public long[] finishedAndFailed(Integer wave) {
    long ok = wave == null ? total(ExecutionState.SUCCEEDED) : get(wave, ExecutionState.SUCCEEDED);
    long failed = wave == null ? total(ExecutionState.FAILED) + total(ExecutionState.TIMED_OUT)
        : get(wave, ExecutionState.FAILED) + get(wave, ExecutionState.TIMED_OUT);
    return new long[] {ok + failed, failed};
  }

  /** {@code {"QUEUED": n, ...}} for every state, overall. */
  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    for (ExecutionState s : STATES) {
      o.put(s.name(), total(s));
    }
    return o;
  }

  /** {@code {"QUEUED": n, ...}} of one wave. */
  public JsonObject toJson(int wave) {
    JsonObject o = new JsonObject();
    for (ExecutionState s : STATES) {
      o.put(s.name(), get(wave, s));
    }
    return o;
  }

  /** The waves that have executions, -1 included. */
  public Iterable<Integer> waves() {
    return byWave.keySet();
  }

  /** A copy, for readers on other threads. */
  public ExecutionCounts copy() {
    ExecutionCounts c = new ExecutionCounts();
    for (Map.Entry<Integer, long[]> e : byWave.entrySet()) {
      c.byWave.put(e.getKey(), e.getValue().clone());
    }
    return c;
  }
}
