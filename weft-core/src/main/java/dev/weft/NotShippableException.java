package dev.weft;

/**
 * A task cannot be shipped to the workers of its pool, which run in other JVMs: it captures
 * something that cannot be serialized, or state whose copy in a worker would silently part from the
 * original (a lock, an atomic counter, a pool, a channel). Thrown when the call starts, before any
 * input is read, with a message naming the captured class and the task it was found in.
 *
 * <p>To fix it, capture values instead of live objects: pass what a task needs as its input or
 * through a worker initializer, and return what it produces as its result (which the pool brings
 * back), instead of writing into shared state.
 */
public final class NotShippableException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String capturedClass;

  /**
   * Creates the error.
   *
   * @param message what cannot be shipped and why
   * @param capturedClass the name of the class that cannot be shipped
   * @param cause the serializer's own error, or null
   */
  public NotShippableException(String message, String capturedClass, Throwable cause) {
    super(message, cause);
    this.capturedClass = capturedClass;
  }

  /**
   * The class that cannot be shipped.
   *
   * @return its name
   */
  public String capturedClass() {
    return capturedClass;
  }
}
