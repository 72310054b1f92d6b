package dev.weft.io.internal;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator that finds its next element ahead of {@link #next}, once: {@link #hasNext} may be
 * called any number of times without reading further. Not thread-safe.
 *
 * @param <T> the element type, never null
 */
public abstract class LookAhead<T> implements Iterator<T> {
  private T pending;

  /** Package-private subclasses only. */
  LookAhead() {}

  /**
   * Finds the next element.
   *
   * @return the element, or null at the end
   */
  abstract T advance();

  @Override
  public final boolean hasNext() {
    if (pending == null) {
      pending = advance();
    }
    return pending != null;
  }

  @Override
  public final T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    T t = pending;
    pending = null;
    return t;
  }
}
