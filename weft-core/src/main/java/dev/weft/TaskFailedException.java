package dev.weft;

import java.util.Objects;

/**
 * A task failed in fail-fast mode. It names the failed task by its zero-based position in the input
 * and by its input, and carries what the task threw as its cause. Failures of other tasks that ran
 * at the same time are attached as {@linkplain #getSuppressed() suppressed} exceptions.
 */
public final class TaskFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_INPUT_CHARS = 200;

  private final long index;
  private final transient Object input;

  /**
   * Creates the exception.
   *
   * @param index the failed task's position in the input
   * @param input the failed task's input
   * @param cause what the task threw
   */
  public TaskFailedException(long index, Object input, Throwable cause) {
    this(
        "task #" + index + " failed on input " + describeInput(input) + ": " + cause,
        index,
        input,
        cause);
  }

  /** For failures that are better named otherwise than by task number, such as a kernel's slice. */
  TaskFailedException(String message, long index, Object input, Throwable cause) {
    super(message, Objects.requireNonNull(cause, "cause"));
    this.index = index;
    this.input = input;
  }

  /**
   * The failed task's zero-based position in the input.
   *
   * @return the index
   */
  public long index() {
    return index;
  }

  /**
   * The failed task's input (null after this exception has been serialized).
   *
   * @return the input
   */
  public Object input() {
    return input;
  }

  /**
   * How weft names an input in error messages: its {@code toString()}, quoted for character
   * sequences, cut to 200 characters, and never an exception from a broken {@code toString()}.
   * Every weft error that names an input uses this, so messages look alike whichever part of weft
   * raised them.
   *
   * @param input any input, or null
   * @return its description
   */
  public static String describeInput(Object input) {
    String text;
    try {
      text = String.valueOf(input);
    } catch (RuntimeException e) {
      text = input.getClass().getName() + " (toString failed: " + e + ")";
    }
    if (input instanceof CharSequence) {
      text = '"' + text + '"';
    }
    return text.length() <= MAX_INPUT_CHARS ? text : text.substring(0, MAX_INPUT_CHARS) + "...";
  }
}
