package dev.weft.scope;

/**
 * A fail-fast {@link Scope} ended because a subtask failed: the {@linkplain #getCause() cause} is
 * the first failure, and the failures of subtasks that failed before they could be cancelled are
 * attached as {@linkplain #getSuppressed() suppressed} exceptions.
 */
public class ScopeFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ScopeFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
