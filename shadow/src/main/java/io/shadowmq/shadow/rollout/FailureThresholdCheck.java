package io.shadowmq.shadow.rollout;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The failure threshold of a rollout: once at least {@code minExecuted} executions finished,
 * failures (FAILED and TIMED_OUT) at or above {@code percent}, overall or in one wave, cross it.
 */
final class FailureThresholdCheck {
  private FailureThresholdCheck() {
  }

  /** Why the threshold is crossed (overall first, then the given waves), or null when it is not. */
  static String crossed(RolloutSpec.FailureThreshold ft, ExecutionCounts counts, Collection<Integer> waves) {
    List<Integer> scopes = new ArrayList<>();
    scopes.add(null);
    scopes.addAll(waves);
    for (Integer wave : scopes) {
      long[] ff = counts.finishedAndFailed(wave);
      if (ff[0] >= ft.minExecuted() && ff[1] * 100.0 >= ft.percent() * ff[0]) {
        return String.format("failure threshold: %d of %d finished executions failed%s (%d%%), at or above %s%%",
            ff[1], ff[0], wave == null ? "" : " in wave " + wave, Math.round(ff[1] * 100.0 / ff[0]),
            RolloutView.number(ft.percent()));
      }
    }
    return null;
  }
}
