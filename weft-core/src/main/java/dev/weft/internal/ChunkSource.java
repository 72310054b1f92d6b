package dev.weft.internal;

import dev.weft.InputFailedException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Where a run takes its inputs from, a chunk at a time. Owned by the run's consumer thread.
 *
 * @param <T> the input type
 */
abstract sealed class ChunkSource<T> {
  protected long pulled;
  protected boolean exhausted;

  /** Inputs handed out so far. */
  final long pulled() {
    return pulled;
  }

  /** True once the input has no more elements. */
  final boolean exhausted() {
    return exhausted;
  }

  /** The total number of inputs, or -1 if unknown. */
  abstract long size();

  /**
   * Up to {@code max} next inputs; an empty list once exhausted.
   *
   * @throws InputFailedException if the input throws
   */
  abstract List<T> next(int max);

  /** Releases the input (closes a stream). */
  abstract void close();

  static <T> ChunkSource<T> of(Iterator<? extends T> iterator, AutoCloseable resource) {
    return new FromIterator<>(iterator, resource);
  }

  static <T> ChunkSource<T> of(List<? extends T> list) {
    return new FromList<>(list);
  }

  private static final class FromIterator<T> extends ChunkSource<T> {
    private final Iterator<? extends T> iterator;
    private final AutoCloseable resource;

    FromIterator(Iterator<? extends T> iterator, AutoCloseable resource) {
      this.iterator = Objects.requireNonNull(iterator, "inputs");
      this.resource = resource;
    }

    @Override
    long size() {
      return -1;
    }

    @Override
    List<T> next(int max) {
      List<T> chunk = new ArrayList<>(Math.min(max, 1024));
      try {
        while (chunk.size() < max && iterator.hasNext()) {
          chunk.add(iterator.next());
          pulled++;
        }
        if (chunk.size() < max) {
          exhausted = true;
        }
      } catch (RuntimeException | Error e) {
        exhausted = true;
        throw new InputFailedException(pulled, e);
      }
      return chunk;
    }

    private boolean closed;

    @Override
    void close() {
      if (!closed && resource != null) {
        closed = true;
        try {
          resource.close();
        } catch (Exception e) {
          // The input's own close failing does not change any result already computed.
        }
      }
    }
  }

  private static final class FromList<T> extends ChunkSource<T> {
    private final List<? extends T> list;
    private final int size;

    FromList(List<? extends T> list) {
      this.list = list;
      this.size = list.size();
      this.exhausted = size == 0;
    }

    @Override
    long size() {
      return size;
    }

    @Override
    @SuppressWarnings("unchecked")
    List<T> next(int max) {
      int from = (int) pulled;
      int to = (int) Math.min(size, pulled + max);
      pulled = to;
      if (to == size) {
        exhausted = true;
      }
      return (List<T>) list.subList(from, to);
    }

    @Override
    void close() {}
  }
}
