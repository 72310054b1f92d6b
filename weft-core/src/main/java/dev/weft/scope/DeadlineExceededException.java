package dev.weft.scope;

import java.time.Duration;

/**
 * A {@link Scope}'s deadline passed before its subtasks finished: the unfinished ones were
 * interrupted and have stopped, and those forked after it were not started.
 */
public final class DeadlineExceededException extends ScopeFailedException {
  private static final long serialVersionUID = 1L;

  DeadlineExceededException(String scopeName, Duration deadline, int unfinished) {
    super(
        "scope '"
            + scopeName
            + "' missed its deadline of "
            + deadline
            + "; "
            + unfinished
            + " subtask(s) were unfinished or forked after it and have been cancelled",
        null);
  }
}
