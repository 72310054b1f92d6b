package dev.weft.policy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Retry} gave up: its attempts ran out, or its deadline left no time for another attempt.
 * The message names the task and the attempts made; the {@linkplain #getCause() cause} is the last
 * attempt's failure (null if the last attempt returned a result that {@link Retry#retryWhileResult}
 * rejected, which {@link #lastResult()} then holds), and the first earlier failures, at most
 * {@value #MAX_SUPPRESSED}, are {@linkplain #getSuppressed() suppressed}.
 *
 * <p>Unchecked, so that a retried task keeps the signature of the code around it; the task's own
 * exception is one {@code getCause()} away.
 */
public final class RetriesExhaustedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The most earlier failures kept as suppressed exceptions. */
  public static final int MAX_SUPPRESSED = 10;

  private final int attempts;
  private final boolean deadlineReached;
  private final transient Object lastResult;

  RetriesExhaustedException(
      String subject,
      int attempts,
      int maxAttempts,
      Duration deadline,
      Duration elapsed,
      Exception lastFailure,
      Object lastResult,
      List<Exception> earlier) {
    super(
        message(subject, attempts, maxAttempts, deadline, elapsed, lastFailure, lastResult),
        lastFailure);
    this.attempts = attempts;
    this.deadlineReached = deadline != null;
    this.lastResult = lastFailure == null ? lastResult : null;
    for (Exception e : earlier) {
      if (e != lastFailure) {
        addSuppressed(e);
      }
    }
  }

  private static String message(
      String subject,
      int attempts,
      int maxAttempts,
      Duration deadline,
      Duration elapsed,
      Exception lastFailure,
      Object lastResult) {
    String why =
        deadline != null
            ? "the deadline of " + Durations.format(deadline) + " left no time for another"
            : "that was the maximum of " + maxAttempts;
    String last =
        lastFailure != null
            ? "last failure: " + lastFailure
            : "last result was rejected: " + safeString(lastResult);
    return "gave up on "
        + subject
        + " after "
        + attempts
        + (attempts == 1 ? " attempt" : " attempts")
        + " in "
        + Durations.format(elapsed)
        + " ("
        + why
        + "); "
        + last;
  }

  private static String safeString(Object o) {
    try {
      String s = String.valueOf(o);
      return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    } catch (RuntimeException e) {
      return o.getClass().getName() + " (toString failed)";
    }
  }

  /**
   * How many attempts were made.
   *
   * @return the number of attempts
   */
  public int attempts() {
    return attempts;
  }

  /**
   * Whether the retry gave up because of its deadline, rather than its maximum of attempts.
   *
   * @return true if the deadline ended the retries
   */
  public boolean deadlineReached() {
    return deadlineReached;
  }

  /**
   * The last attempt's result, if it returned one that the retry rejected; empty if it threw (or
   * returned null, or after this exception was serialized).
   *
   * @return the rejected result
   */
  public Optional<Object> lastResult() {
    return Optional.ofNullable(lastResult);
  }
}
