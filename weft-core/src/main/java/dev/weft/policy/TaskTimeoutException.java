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
    this(message(task, limit, grace, taskStopped), task, limit, taskStopped);
  }

  /**
   * For engines that enforce a {@link dev.weft.spi.TaskDeadline}, whose message says what they did
   * (interrupted the task, killed its worker process).
   *
   * @param message the whole message
   * @param task the task's name, such as {@code "task #5"}
   * @param limit the time it was allowed
   * @param taskStopped whether it stopped (a killed process counts as stopped)
   */
  public TaskTimeoutException(String message, String task, Duration limit, boolean taskStopped) {
    super(message);
    this.task = task;
    this.limit = limit;
    this.taskStopped = taskStopped;
  }

  /**
   * The error of a task that an engine stopped at its deadline: "{@code task} timed out after
   * {@code limit}; {@code action}".
   *
   * @param task the task's name, such as {@code "task #5"}
   * @param limit the time it was allowed
   * @param action what the engine did, such as "its worker weft-proc-1-w2 (pid 1234) was killed and
   *     replaced"
   * @param taskStopped whether it stopped (a killed process counts as stopped)
   * @return the error
   */
  public static TaskTimeoutException enforced(
      String task, Duration limit, String action, boolean taskStopped) {
    return new TaskTimeoutException(
        task + " timed out after " + Durations.format(limit) + "; " + action,
        task,
        limit,
        taskStopped);
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
