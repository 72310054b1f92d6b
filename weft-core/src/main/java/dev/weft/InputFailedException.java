package dev.weft;

/**
 * Reading the input itself failed: the {@code Iterator} or {@code Stream} a map was given threw
 * while the pool pulled the element at {@link #index()}. Tasks already running are cancelled.
 */
public final class InputFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long index;

  /**
   * Creates the exception.
   *
   * @param index the position of the element that could not be read
   * @param cause what the input threw
   */
  public InputFailedException(long index, Throwable cause) {
    super("reading input element #" + index + " failed: " + cause, cause);
    this.index = index;
  }

  /**
   * The zero-based position of the element that could not be read.
   *
   * @return the index
   */
  public long index() {
    return index;
  }
}
