package dev.weft.shm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A segment seen as an array of {@code int}s, for example a {@link SharedMemory} that another
 * process fills.
 *
 * <p>Thread-safety: as safe as the memory under it; accesses are plain, so another process's writes
 * are ordered only by a separate synchronization (a {@link LongView#setVolatile} flag, or the end
 * of a task that wrote them). Nothing blocks and interrupts are not checked. Bound: the segment's
 * size. An index out of range throws {@link IndexOutOfBoundsException}; a write to a read-only
 * segment throws {@link IllegalArgumentException}; any access after the segment is closed throws
 * {@link IllegalStateException}.
 *
 * <p>Memory consistency: none of its own: see {@link LongView} for the ordered accesses.
 */
public final class IntView {
  private final MemorySegment segment;

  /**
   * A view of {@code segment}.
   *
   * @param segment the memory
   */
  public IntView(MemorySegment segment) {
    this.segment = segment;
  }

  /**
   * How many {@code int}s fit.
   *
   * @return {@code byteSize / 4}
   */
  public long length() {
    return segment.byteSize() / 4;
  }

  /**
   * Reads element {@code i}.
   *
   * @param i the index
   * @return its value
   */
  public int get(long i) {
    return segment.getAtIndex(ValueLayout.JAVA_INT, i);
  }

  /**
   * Writes element {@code i}.
   *
   * @param i the index
   * @param value the value
   */
  public void set(long i, int value) {
    segment.setAtIndex(ValueLayout.JAVA_INT, i, value);
  }

  /**
   * The memory under this view.
   *
   * @return the segment
   */
  public MemorySegment asSegment() {
    return segment;
  }
}
