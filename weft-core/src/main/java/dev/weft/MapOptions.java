package dev.weft;

import dev.weft.spi.TaskDeadline;
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
 *     hand-off cost per batch is small beside it, short enough to spread work evenly and to stop
 *     promptly when cancelled. {@link Duration#ZERO} picks it from the engine's measured hand-off
 *     cost ({@link dev.weft.spi.Engine#handoffNanos()}): 50 hand-offs, and at least 500 µs, so
 *     about 500 µs on threads, milliseconds for worker processes, more for a cluster.
 * @param taskDeadline how long each task may run before the engine stops it ({@link
 *     TaskDeadline#NONE} for no limit): see {@link #withTaskTimeout(Duration)}
 */
public record MapOptions(
    int window, int chunkSize, Duration targetBatchTime, TaskDeadline taskDeadline) {
  /**
   * The defaults: automatic window, automatic chunks sized from the engine's hand-off cost, no task
   * time limit. Shorter batches cost more hand-offs (each wakes the caller's thread, which competes
   * with the workers for the cores); longer ones cost nothing in cancellation (a stop is checked
   * before every task) and little at the end of the input, where batches shrink.
   */
  public static final MapOptions DEFAULTS = new MapOptions(0, 0, Duration.ZERO, TaskDeadline.NONE);

  /** The least automatic target batch time, whatever the engine. */
  static final long MIN_TARGET_NANOS = 500_000;

  /** Hand-offs per automatic batch: the hand-off is then at most 2% of a batch's time. */
  static final long HANDOFFS_PER_BATCH = 50;

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
    if (targetBatchTime.isNegative()) {
      throw new IllegalArgumentException(
          "targetBatchTime must be positive, or zero for automatic: " + targetBatchTime);
    }
    Objects.requireNonNull(taskDeadline, "taskDeadline");
  }

  /**
   * With another window.
   *
   * @param window the most inputs held at once, or 0 for the default
   * @return the new options
   */
  public MapOptions withWindow(int window) {
    return new MapOptions(window, chunkSize, targetBatchTime, taskDeadline);
  }

  /**
   * With a fixed chunk size.
   *
   * @param chunkSize inputs per batch, or 0 for automatic
   * @return the new options
   */
  public MapOptions withChunkSize(int chunkSize) {
    return new MapOptions(window, chunkSize, targetBatchTime, taskDeadline);
  }

  /**
   * With another target time for automatic batches.
   *
   * @param targetBatchTime how long a batch should run
   * @return the new options
   */
  public MapOptions withTargetBatchTime(Duration targetBatchTime) {
    if (targetBatchTime.isZero() || targetBatchTime.isNegative()) {
      throw new IllegalArgumentException("targetBatchTime must be positive: " + targetBatchTime);
    }
    return new MapOptions(window, chunkSize, targetBatchTime, taskDeadline);
  }

  /**
   * With a time limit per task, enforced by the engine, with a grace period of 100 ms: see {@link
   * #withTaskTimeout(Duration, Duration)}.
   *
   * @param timeout how long one task may run, positive
   * @return the new options
   */
  public MapOptions withTaskTimeout(Duration timeout) {
    return withTaskTimeout(timeout, TaskDeadline.DEFAULT_GRACE);
  }

  /**
   * With a time limit per task, enforced by the engine. When a task has run {@code timeout}, a
   * thread engine interrupts it; a task that stops then, or within {@code grace}, fails with a
   * {@link dev.weft.policy.TaskTimeoutException} and its worker goes on with the next input. A task
   * that ignores the interrupt for longer is given up on: it fails the same way, saying it did not
   * stop, and its thread is replaced so that the pool keeps its parallelism (the old thread is left
   * to finish on its own, its result discarded: a JVM cannot kill a thread). An engine of worker
   * processes kills the worker at {@code timeout} and starts another: the task is stopped for real.
   * The limit starts when the task starts, not when it was submitted; it applies to {@code map},
   * {@code imap} and their forms, not to {@code submit}.
   *
   * @param timeout how long one task may run, positive
   * @param grace how long an interrupted task has to stop
   * @return the new options
   */
  public MapOptions withTaskTimeout(Duration timeout, Duration grace) {
    return new MapOptions(window, chunkSize, targetBatchTime, TaskDeadline.of(timeout, grace));
  }

  /**
   * The target batch time a call on this engine uses.
   *
   * @param handoffNanos the engine's hand-off cost
   * @return nanoseconds
   */
  long targetBatchNanos(long handoffNanos) {
    if (!targetBatchTime.isZero()) {
      return targetBatchTime.toNanos();
    }
    long fromHandoff =
        handoffNanos > Long.MAX_VALUE / HANDOFFS_PER_BATCH
            ? Long.MAX_VALUE
            : handoffNanos * HANDOFFS_PER_BATCH;
    return Math.max(MIN_TARGET_NANOS, fromHandoff);
  }
}
