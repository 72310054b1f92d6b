package dev.weft.testkit;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Integers 0, 1, 2, ... up to a limit (or forever), counting how many were pulled, so that tests
 * can check how far ahead of its consumer a pool reads. Safe to read the count from any thread.
 */
public final class CountingIterator implements Iterator<Integer> {
  private final long limit;
  private final AtomicLong pulled = new AtomicLong();

  private CountingIterator(long limit) {
    this.limit = limit;
  }

  /**
   * An iterator that never ends.
   *
   * @return the iterator
   */
  public static CountingIterator infinite() {
    return new CountingIterator(Long.MAX_VALUE);
  }

  /**
   * An iterator over {@code 0 .. n-1}.
   *
   * @param n how many elements
   * @return the iterator
   */
  public static CountingIterator upTo(long n) {
    return new CountingIterator(n);
  }

  /**
   * How many elements were pulled so far.
   *
   * @return the count
   */
  public long pulled() {
    return pulled.get();
  }

  @Override
  public boolean hasNext() {
    return pulled.get() < limit;
  }

  @Override
  public Integer next() {
    long n = pulled.get();
    if (n >= limit) {
      throw new NoSuchElementException();
    }
    pulled.set(n + 1);
    return (int) n;
  }
}
