package dev.weft;

import java.time.Duration;
import java.util.Objects;

/**
 * How a map call feeds its pool. Every field has an automatic default; set one only to override it,
 * with the withers: {@code pool.with(o -> o.withChunkSize(1)).map(fn, inputs)}.
 *
 * @param window the most inputs a call holds at once: pulled from the input and not yet handed to
 *     the caller (queued, running, or finished and waiting for a slow consumer). It bounds a
 *     streaming call's memory whatever the input's length. 0 picks a default: 32,768, or twice the
 *     pool's parallelism if that is larger.
 * @param chunkSize how many inputs go to a worker in one batch. 0 sizes batches automatically from
 *     measured task times so that each batch runs about {@code targetBatchTime}; a positive value
 *     fixes it exactly, whatever the automatic cap (only the input's last batch, and a slow
 *     iterator's batch sent so as not to keep idle workers waiting, may be smaller). A fixed size
 *     larger than a fixed window is refused when the call starts; the automatic window grows to
 *     hold two batches.
 * @param targetBatchTime how long an automatically sized batch should run: long enough that the
 *     hand-off cost per batch (microseconds) is small beside it, short enough to spread work evenly
 *     and to stop promptly when cancelled
 */
public record MapOptions(int window, int chunkSize, Duration targetBatchTime) {
  /**
   * The defaults: automatic window, automatic chunks of about 500 µs. Shorter batches cost more
   * hand-offs (each wakes the caller's thread, which competes with the workers for the cores);
   * longer ones cost nothing in cancellation (a stop is checked before every task) and little at
   * the end of the input, where batches shrink.
   */
  public static final MapOptions DEFAULTS = new MapOptions(0, 0, Duration.ofNanos(500_000));

  /** Checks the values. */
  public MapOptions {
    if (window < 0) {
      throw new IllegalArgumentException("window must be 0 (automatic) or positive: " + window);
    }
    if (chunkSize < 0) {
      throw new IllegalArgumentException(
          "chunkSize must be 0 (automatic) or positive: " + chunkSize);
    }
    Objects.requireNonNull(targetBatchTime, "targetBatchTime");
    if (targetBatchTime.isNegative() || targetBatchTime.isZero()) {
      throw new IllegalArgumentException("targetBatchTime must be positive: " + targetBatchTime);
    }
  }

  /**
   * With another window.
   *
   * @param window the most inputs held at once, or 0 for the default
   * @return the new options
   */
  public MapOptions withWindow(int window) {
    return new MapOptions(window, chunkSize, targetBatchTime);
  }

  /**
   * With a fixed chunk size.
   *
   * @param chunkSize inputs per batch, or 0 for automatic
   * @return the new options
   */
  public MapOptions withChunkSize(int chunkSize) {
    return new MapOptions(window, chunkSize, targetBatchTime);
  }

  /**
   * With another target time for automatic batches.
   *
   * @param targetBatchTime how long a batch should run
   * @return the new options
   */
  public MapOptions withTargetBatchTime(Duration targetBatchTime) {
    return new MapOptions(window, chunkSize, targetBatchTime);
  }
}
