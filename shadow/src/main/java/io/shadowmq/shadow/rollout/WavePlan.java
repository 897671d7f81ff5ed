package io.shadowmq.shadow.rollout;

import java.util.ArrayList;
import java.util.List;

/**
 * The waves of a rollout over its eligible devices: how many devices each wave notifies. Explicit
 * sizes are cumulative (a count, or a percent of the eligible devices, rounded up) and empty waves
 * are dropped; canary + growth makes waves of canary, canary*g, canary*g^2, ... devices, none larger
 * than the maximum. The last wave always reaches every eligible device.
 */
public final class WavePlan {
  private final int[] sizes;

  private WavePlan(int[] sizes) {
    this.sizes = sizes;
  }

  /** The plan for {@code eligible} devices. */
  public static WavePlan of(RolloutSpec.Waves waves, int eligible) {
    List<Integer> out = new ArrayList<>();
    int done = 0;
    if (waves.sizes() != null) {
      for (Object s : waves.sizes()) {
        int cumulative = s instanceof Double p ? (int) Math.ceil(p * eligible / 100.0 - 1e-9) : (Integer) s;
        cumulative = Math.min(cumulative, eligible);
        if (cumulative > done) {
          out.add(cumulative - done);
          done = cumulative;
        }
      }
    } else {
      double next = waves.canary();
      while (done < eligible) {
        int size = (int) Math.min(Math.min(Math.round(next), waves.maxWaveSize()), eligible - done);
        out.add(size);
        done += size;
        next = Math.max(next * waves.growthFactor(), next + (waves.growthFactor() > 1 ? 1 : 0));
      }
    }
    if (done < eligible) {
      out.add(eligible - done);
    }
    return new WavePlan(out.stream().mapToInt(Integer::intValue).toArray());
  }

  /** How many waves. */
  public int waves() {
    return sizes.length;
  }

  /** Devices wave {@code index} notifies; 0 past the last wave. */
  public int size(int index) {
    return index < sizes.length ? sizes[index] : 0;
  }
}
