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
}
