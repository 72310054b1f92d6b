package dev.weft.internal;

import java.util.Arrays;

/**
 * Chooses how many inputs go into the next batch, from measured task times, so that a batch runs
 * about the target time: tiny tasks get large batches and the hand-off cost per task shrinks to a
 * few nanoseconds; long tasks get batches of one so that they spread evenly over the workers.
 *
 * <p>The estimate of the time per task is the median of the last few batches, because a batch's
 * wall time is inflated whenever its thread is descheduled (a busy machine, a GC pause): a mean
 * would let one preempted batch shrink the next ones a hundredfold, and the extra hand-offs would
 * then slow the busy machine further. Starts at one input and grows at most eightfold per
 * observation, so a single fast sample cannot produce a huge batch. A fixed size is kept exactly:
 * the cap applies to automatic sizes only. Not thread-safe: the run guards it with its lock.
 */
final class ChunkSizer {
  private static final int SAMPLES = 5;

  private final int fixed;
  private final int max;
  private final double targetNanos;
  private final double[] perItem = new double[SAMPLES];
  private final double[] sorted = new double[SAMPLES];
  private int samples;
  private int current;

  ChunkSizer(int fixed, int max, long targetNanos) {
    this.max = Math.max(1, max);
    this.fixed = Math.max(fixed, 0);
    this.targetNanos = targetNanos;
    this.current = this.fixed > 0 ? this.fixed : 1;
  }

  /** The largest batch this sizer can ask for. */
  int max() {
    return Math.max(fixed, max);
  }

  int next() {
    return current;
  }

  void observe(int items, long nanos) {
    if (fixed > 0 || items <= 0 || nanos <= 0) {
      return;
    }
    perItem[samples % SAMPLES] = (double) nanos / items;
    samples++;
    int n = Math.min(samples, SAMPLES);
    System.arraycopy(perItem, 0, sorted, 0, n);
    Arrays.sort(sorted, 0, n);
    double median = sorted[(n - 1) / 2];
    double want = targetNanos / Math.max(median, 1.0);
    long grown = Math.min((long) current * 8, (long) want);
    current = (int) Math.max(1, Math.min(grown, max));
  }
}
