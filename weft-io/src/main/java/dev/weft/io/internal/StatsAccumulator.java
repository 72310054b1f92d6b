package dev.weft.io.internal;

import dev.weft.io.Stats;
import java.io.Serializable;

/** The mutable accumulator behind {@link Stats}. */
public final class StatsAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private long count;
  private final ExactSum sum;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;

  /** An empty accumulator. */
  public StatsAccumulator() {
    this.sum = new ExactSum();
  }

  /** One that holds these numbers already (a {@link StatsTable} row). */
  StatsAccumulator(long count, ExactSum sum, double min, double max) {
    this.count = count;
    this.sum = sum;
    this.min = min;
    this.max = max;
  }

  /**
   * Adds a number.
   *
   * @param v the number
   */
  public void add(double v) {
    count++;
    sum.add(v);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }

  /**
   * Adds another accumulator's numbers.
   *
   * @param other the other, unchanged
   * @return this
   */
  public StatsAccumulator merge(StatsAccumulator other) {
    count += other.count;
    sum.add(other.sum);
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
    return this;
  }

  /**
   * A snapshot.
   *
   * @return the stats
   */
  public Stats toStats() {
    if (count == 0) {
      return new Stats(0, 0.0, Double.NaN, Double.NaN);
    }
    return new Stats(count, sum.value(), min, max);
  }
}
