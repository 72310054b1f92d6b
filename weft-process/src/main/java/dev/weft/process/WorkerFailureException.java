package dev.weft.process;

import java.io.Serial;

/**
 * A failure inside a worker process that could not travel back to the parent as itself: a task's
 * exception that is not serializable (or whose class the parent lacks), a result that cannot be
 * serialized, an input or function that the worker cannot deserialize (a class missing on its class
 * path). The message names the original exception's class, its message and the worker; the stack
 * trace is the original's where it was known.
 */
public final class WorkerFailureException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final String remoteClassName;

  /**
   * Creates the error.
   *
   * @param message what failed and where
   * @param remoteClassName the class name of the original throwable, or null if there was none
   */
  public WorkerFailureException(String message, String remoteClassName) {
    super(message);
    this.remoteClassName = remoteClassName;
  }

  /**
   * The class of the throwable this one stands for.
   *
   * @return a binary class name, or null
   */
  public String remoteClassName() {
    return remoteClassName;
  }
}
