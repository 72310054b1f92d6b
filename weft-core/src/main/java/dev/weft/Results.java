package dev.weft;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The results of a streaming map ({@link Pool#imap}, {@link Pool#imapUnordered} and their {@code
 * Outcomes} forms), produced while the caller consumes them.
 *
 * <p>Memory stays bounded: an iterator or stream input is read on a reader thread of the call at
 * most the call's {@linkplain MapOptions#window() window} ahead of what the caller has taken, and
 * tasks run at most a few batches per worker ahead of it. Results flow as soon as they are ready,
 * whatever the input's pace: a slow or live input (a channel, a feed, a request/response loop that
 * waits for each result) gets each result before much more of it is read. Closing it early (or
 * breaking out of a try-with-resources loop) cancels the queued tasks and interrupts the running
 * ones; close it always:
 *
 * {@snippet :
 * try (Results<Integer> squares = pool.imap(x -> x * x, Stream.iterate(1, x -> x + 1))) {
 *   for (int s : squares) {
 *     if (s > 1_000) break; // the rest is cancelled by close()
 *   }
 * }
 * }
 *
 * <p>Not thread-safe: one thread consumes it. Iterating blocks while the next result is not ready;
 * if that thread is interrupted, the call is cancelled, the interrupt status is kept, and the
 * iterator throws {@link CancellationException}. In fail-fast form a task's failure is thrown from
 * the iterator as {@link TaskFailedException} as soon as the consumer next asks for a result.
 *
 * @param <R> the element type
 */
public interface Results<R> extends Iterable<R>, AutoCloseable {
  /**
   * The results, once: a second call throws {@link IllegalStateException}.
   *
   * @return an iterator over the results
   */
  @Override
  Iterator<R> iterator();

  /**
   * The results as a sequential stream; closing the stream closes these results.
   *
   * @return a stream over the results
   */
  default Stream<R> stream() {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false)
        .onClose(this::close);
  }

  /**
   * Consumes every result into a list, then closes.
   *
   * @return the results in this call's order
   */
  default List<R> toList() {
    try (this) {
      List<R> all = new ArrayList<>();
      iterator().forEachRemaining(all::add);
      return all;
    }
  }

  /** Cancels whatever has not been consumed. Idempotent; does not wait for running tasks. */
  @Override
  void close();
}
