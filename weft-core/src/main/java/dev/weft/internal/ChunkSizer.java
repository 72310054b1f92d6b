package dev.weft.internal;

/**
 * Chooses how many inputs go into the next batch, from measured task times, so that a batch runs
 * about the target time: tiny tasks get large batches and the hand-off cost per task shrinks to a
 * few nanoseconds; long tasks get batches of one so that they spread evenly over the workers.
 *
 * <p>Starts at one input, grows at most eightfold per observation (a single fast sample cannot
 * produce a huge batch), shrinks at once. Not thread-safe: the run's consumer thread owns it.
 */
final class ChunkSizer {
  private final int fixed;
  private final int max;
  private final double targetNanos;
  private double nanosPerItem = -1;
  private int current;

  ChunkSizer(int fixed, int max, long targetNanos) {
    this.max = Math.max(1, max);
    this.fixed = fixed > 0 ? Math.min(fixed, this.max) : 0;
    this.targetNanos = targetNanos;
    this.current = this.fixed > 0 ? this.fixed : 1;
  }

  int next() {
    return current;
  }

  void observe(int items, long nanos) {
    if (fixed > 0 || items <= 0 || nanos <= 0) {
      return;
    }
    double perItem = (double) nanos / items;
    nanosPerItem = nanosPerItem < 0 ? perItem : 0.5 * nanosPerItem + 0.5 * perItem;
    double want = targetNanos / Math.max(nanosPerItem, 1.0);
    long grown = Math.min((long) current * 8, (long) want);
    current = (int) Math.max(1, Math.min(grown, max));
  }
}
