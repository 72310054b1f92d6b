package dev.weft.shm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A segment seen as an array of {@code long}s, with atomic operations that hold across processes
 * when the segment is {@link SharedMemory shared}: counters and flags between JVMs.
 *
 * <p>Thread-safety: as safe as the memory under it; plain {@link #get}/{@link #set} are not
 * ordered, the volatile and atomic methods are. Nothing blocks and interrupts are not checked.
 * Bound: the segment's size. An index out of range throws {@link IndexOutOfBoundsException}; a
 * write to a read-only segment throws {@link IllegalArgumentException} (as {@link MemorySegment}
 * does); any access after the segment is closed throws {@link IllegalStateException}.
 *
 * <p>Memory consistency: actions in a process before a {@link #setVolatile} or an atomic update of
 * an element happen before the actions in any process after a {@link #getVolatile} (or atomic
 * update) of that element that sees the value written.
 */
public final class LongView {
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  private final MemorySegment segment;

  /**
   * A view of {@code segment}, which must be 8-byte aligned for the atomic methods.
   *
   * @param segment the memory
   */
  public LongView(MemorySegment segment) {
    this.segment = segment;
  }

  /**
   * How many longs fit.
   *
   * @return {@code byteSize / 8}
   */
  public long length() {
    return segment.byteSize() / 8;
  }

  /**
   * Reads element {@code i} without ordering.
   *
   * @param i the index
   * @return its value
   */
  public long get(long i) {
    return segment.getAtIndex(ValueLayout.JAVA_LONG, i);
  }

  /**
   * Writes element {@code i} without ordering.
   *
   * @param i the index
   * @param value the value
   */
  public void set(long i, long value) {
    segment.setAtIndex(ValueLayout.JAVA_LONG, i, value);
  }

  /**
   * Reads element {@code i} with volatile semantics.
   *
   * @param i the index
   * @return its value
   */
  public long getVolatile(long i) {
    return (long) LONG.getVolatile(segment, offset(i));
  }

  /**
   * Writes element {@code i} with volatile semantics.
   *
   * @param i the index
   * @param value the value
   */
  public void setVolatile(long i, long value) {
    LONG.setVolatile(segment, offset(i), value);
  }

  /**
   * Atomically adds to element {@code i}.
   *
   * @param i the index
   * @param delta what to add
   * @return the value before
   */
  public long getAndAdd(long i, long delta) {
    return (long) LONG.getAndAdd(segment, offset(i), delta);
  }

  /**
   * Atomically sets element {@code i} to {@code value} if it is {@code expected}.
   *
   * @param i the index
   * @param expected the value it must have
   * @param value the new value
   * @return whether it was set
   */
  public boolean compareAndSet(long i, long expected, long value) {
    return LONG.compareAndSet(segment, offset(i), expected, value);
  }

  /**
   * The memory under this view.
   *
   * @return the segment
   */
  public MemorySegment asSegment() {
    return segment;
  }

  private long offset(long i) {
    return i * 8;
  }
}
