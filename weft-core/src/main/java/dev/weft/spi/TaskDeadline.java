package dev.weft.spi;

import java.io.Serializable;
import java.time.Duration;

/**
 * How long each task of a {@link Batch} may run, enforced by the engine that runs it: an in-JVM
 * engine interrupts the task's thread when its time is up and, if the task has not stopped after
 * the grace period, gives up on it (the input fails as timed out and the worker is replaced); an
 * engine of worker processes kills the worker and starts another. Either way the input fails with a
 * {@link dev.weft.policy.TaskTimeoutException} and the pool keeps working. The limit is per task,
 * not per batch: it starts when the task starts.
 *
 * <p>The {@link dev.weft.policy.Timeout} policy stays for cooperative use inside a task.
 *
 * @param timeoutNanos how long one task may run, in nanoseconds; 0 for no limit
 * @param graceNanos how long an interrupted task has to stop before the engine gives up on it
 */
public record TaskDeadline(long timeoutNanos, long graceNanos) implements Serializable {
  /** No limit. */
  public static final TaskDeadline NONE = new TaskDeadline(0, 0);

  /** The grace period when none is given: long enough for a task that checks for interrupts. */
  public static final Duration DEFAULT_GRACE = Duration.ofMillis(100);

  /** Checks the components. */
  public TaskDeadline {
    if (timeoutNanos < 0 || graceNanos < 0) {
      throw new IllegalArgumentException(
          "timeout and grace must not be negative: " + timeoutNanos + ", " + graceNanos);
    }
  }

  /**
   * A limit with a grace period.
   *
   * @param timeout how long one task may run, positive
   * @param grace how long an interrupted task has to stop, not negative
   * @return the deadline
   */
  public static TaskDeadline of(Duration timeout, Duration grace) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("a task timeout must be positive, was " + timeout);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("a grace period must not be negative, was " + grace);
    }
    return new TaskDeadline(saturatedNanos(timeout), saturatedNanos(grace));
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Whether there is a limit.
   *
   * @return true if tasks are timed
   */
  public boolean isSet() {
    return timeoutNanos > 0;
  }

  /**
   * The limit.
   *
   * @return how long one task may run ({@link Duration#ZERO} for none)
   */
  public Duration timeout() {
    return Duration.ofNanos(timeoutNanos);
  }

  /**
   * The grace period.
   *
   * @return how long an interrupted task has to stop
   */
  public Duration grace() {
    return Duration.ofNanos(graceNanos);
  }
}
