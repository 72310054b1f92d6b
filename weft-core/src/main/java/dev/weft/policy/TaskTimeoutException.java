package dev.weft.policy;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A {@link Timeout} expired: the task did not finish within its limit and was interrupted. The
 * message names the task and the limit, and says whether the task stopped within the grace period
 * or ignored the interrupt and is still running. What the interrupted task threw as it stopped
 * (usually an {@link InterruptedException}) is {@linkplain #getSuppressed() suppressed} here.
 *
 * <p>A {@link TimeoutException}, so checked: the caller of a timed task learns of it from the
 * signature, and {@code catch (TimeoutException e)} catches it. Inside {@link dev.weft.Pool#map} it
 * becomes the cause of the task's {@link dev.weft.TaskFailedException}.
 */
public final class TaskTimeoutException extends TimeoutException {
  private static final long serialVersionUID = 1L;

  private final String task;
  private final Duration limit;
  private final boolean taskStopped;

  TaskTimeoutException(String task, Duration limit, Duration grace, boolean taskStopped) {
    super(message(task, limit, grace, taskStopped));
    this.task = task;
    this.limit = limit;
    this.taskStopped = taskStopped;
  }

  private static String message(String task, Duration limit, Duration grace, boolean stopped) {
    return task
        + " timed out after "
        + Durations.format(limit)
        + " and was interrupted; "
        + (stopped
            ? "it stopped"
            : "it ignored the interrupt and was still running "
                + Durations.format(grace)
                + " later");
  }

  /**
   * The task, as the message names it: the caller's description, or {@code task on input ...} for a
   * wrapped function.
   *
   * @return the task's description
   */
  public String task() {
    return task;
  }

  /**
   * The limit that expired.
   *
   * @return the limit
   */
  public Duration limit() {
    return limit;
  }

  /**
   * Whether the task stopped within the grace period after its interrupt. If false, it is still
   * running on its own thread: its code does not respond to interrupts.
   *
   * @return true if the task stopped
   */
  public boolean taskStopped() {
    return taskStopped;
  }
}
