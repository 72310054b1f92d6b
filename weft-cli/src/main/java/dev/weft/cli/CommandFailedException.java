package dev.weft.cli;

/**
 * A command failed for a reason its message explains fully: {@code weft} prints the message without
 * a stack trace and exits with status 1.
 */
public final class CommandFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * A failure with a message for the user.
   *
   * @param message what went wrong, as one line
   */
  public CommandFailedException(String message) {
    super(message);
  }

  /**
   * A failure with a message for the user and the exception behind it, which {@code --debug} shows.
   *
   * @param message what went wrong, as one line
   * @param cause what was thrown where it was noticed
   */
  public CommandFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
