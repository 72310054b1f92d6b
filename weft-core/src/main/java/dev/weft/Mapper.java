package dev.weft;

import java.util.Iterator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The map operations of a {@link Pool}: apply one task to every input, in parallel.
 *
 * <table class="striped">
 *   <caption>The operations</caption>
 *   <thead><tr><th>method</th><th>returns</th><th>order</th><th>on a task's failure</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code map}</td><td>a list, when all are done</td><td>input</td><td>throws</td></tr>
 *   <tr><td>{@code imap}</td><td>{@link Results}, streaming</td><td>input</td><td>throws</td></tr>
 *   <tr><td>{@code imapUnordered}</td><td>{@link Results}, streaming</td><td>completion</td><td>throws</td></tr>
 *   <tr><td>{@code starmap}</td><td>a list</td><td>input</td><td>throws</td></tr>
 *   <tr><td>{@code mapOutcomes}</td><td>a list of {@link Outcome}</td><td>input</td><td>an outcome</td></tr>
 *   <tr><td>{@code imapOutcomes}</td><td>{@link Results} of {@link Outcome}</td><td>input</td><td>an outcome</td></tr>
 *   <tr><td>{@code imapUnorderedOutcomes}</td><td>{@link Results} of {@link Outcome}</td><td>completion</td><td>an outcome</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>Inputs may be an {@link Iterable}, an {@link Iterator} or a {@link Stream}; they are read
 * lazily, by the calling thread, at most a {@linkplain MapOptions#window() window} ahead of the
 * results it has consumed, so an input larger than memory (or infinite, with the streaming forms)
 * is fine. A stream given as input is closed when the call ends. A {@link java.util.RandomAccess}
 * list given to {@code map} or {@code mapOutcomes} is split in place, without copying.
 *
 * <p>Fail-fast forms throw {@link TaskFailedException} for the first failed task, naming its index
 * and input, after cancelling queued tasks and interrupting running ones. If the input itself
 * throws, they throw {@link InputFailedException}. If the pool is shut down under them, they throw
 * {@link java.util.concurrent.CancellationException}.
 *
 * <p>Happens-before: actions in the calling thread before the call happen before each task runs;
 * each task's actions happen before its result is returned to the caller.
 */
public sealed interface Mapper permits AbstractMapper {

  /**
   * A view of this pool whose map calls use other options; it shares the pool's workers and is not
   * closed separately.
   *
   * @param configure changes to this mapper's options, such as {@code o -> o.withChunkSize(1)}
   * @return the view
   */
  Mapper with(UnaryOperator<MapOptions> configure);

  /**
   * The options map calls use.
   *
   * @return the options
   */
  MapOptions options();

  /**
   * Applies {@code fn} to every input and returns the results in input order.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the results, an unmodifiable list
   * @throws InterruptedException if interrupted while waiting; the remaining tasks are cancelled
   * @throws TaskFailedException if a task fails
   */
  <T, R> List<R> map(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> inputs)
      throws InterruptedException;

  /**
   * As {@link #map(TaskFunction, Iterable)}, for an iterator.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the results, an unmodifiable list
   * @throws InterruptedException if interrupted while waiting
   */
  <T, R> List<R> map(TaskFunction<? super T, ? extends R> fn, Iterator<? extends T> inputs)
      throws InterruptedException;

  /**
   * As {@link #map(TaskFunction, Iterable)}, for a stream, which is closed at the end.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the results, an unmodifiable list
   * @throws InterruptedException if interrupted while waiting
   */
  <T, R> List<R> map(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> inputs)
      throws InterruptedException;

  /**
   * Applies {@code fn} to every input, streaming the results in input order.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the results, to iterate and close
   */
  <T, R> Results<R> imap(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> inputs);

  /**
   * As {@link #imap(TaskFunction, Iterable)}, for an iterator (which may be infinite).
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the results, to iterate and close
   */
  <T, R> Results<R> imap(TaskFunction<? super T, ? extends R> fn, Iterator<? extends T> inputs);

  /**
   * As {@link #imap(TaskFunction, Iterable)}, for a stream, closed with the results.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the results, to iterate and close
   */
  <T, R> Results<R> imap(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> inputs);

  /**
   * Applies {@code fn} to every input, streaming the results as they complete.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the results, to iterate and close
   */
  <T, R> Results<R> imapUnordered(
      TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> inputs);

  /**
   * As {@link #imapUnordered(TaskFunction, Iterable)}, for an iterator.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the results, to iterate and close
   */
  <T, R> Results<R> imapUnordered(
      TaskFunction<? super T, ? extends R> fn, Iterator<? extends T> inputs);

  /**
   * As {@link #imapUnordered(TaskFunction, Iterable)}, for a stream, closed with the results.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the results, to iterate and close
   */
  <T, R> Results<R> imapUnordered(
      TaskFunction<? super T, ? extends R> fn, Stream<? extends T> inputs);

  /**
   * Applies a two-argument task to every pair: {@code starmap(Math::max, List.of(Args.of(1, 2)))}.
   *
   * @param fn the task
   * @param inputs the argument pairs
   * @param <A> the first argument's type
   * @param <B> the second argument's type
   * @param <R> the result type
   * @return the results in input order, an unmodifiable list
   * @throws InterruptedException if interrupted while waiting
   */
  <A, B, R> List<R> starmap(
      TaskBiFunction<? super A, ? super B, ? extends R> fn,
      Iterable<? extends Args.Two<A, B>> inputs)
      throws InterruptedException;

  /**
   * Applies a three-argument task to every triple.
   *
   * @param fn the task
   * @param inputs the argument triples
   * @param <A> the first argument's type
   * @param <B> the second argument's type
   * @param <C> the third argument's type
   * @param <R> the result type
   * @return the results in input order, an unmodifiable list
   * @throws InterruptedException if interrupted while waiting
   */
  <A, B, C, R> List<R> starmap(
      TaskTriFunction<? super A, ? super B, ? super C, ? extends R> fn,
      Iterable<? extends Args.Three<A, B, C>> inputs)
      throws InterruptedException;

  /**
   * Applies {@code fn} to every input and returns every outcome, failures included, in input order.
   * Never throws for a task's failure.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return one outcome per input, an unmodifiable list
   * @throws InterruptedException if interrupted while waiting
   */
  <T, R> List<Outcome<T, R>> mapOutcomes(
      TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> inputs)
      throws InterruptedException;

  /**
   * As {@link #mapOutcomes(TaskFunction, Iterable)}, for an iterator.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return one outcome per input
   * @throws InterruptedException if interrupted while waiting
   */
  <T, R> List<Outcome<T, R>> mapOutcomes(
      TaskFunction<? super T, ? extends R> fn, Iterator<? extends T> inputs)
      throws InterruptedException;

  /**
   * As {@link #mapOutcomes(TaskFunction, Iterable)}, for a stream, which is closed at the end.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return one outcome per input
   * @throws InterruptedException if interrupted while waiting
   */
  <T, R> List<Outcome<T, R>> mapOutcomes(
      TaskFunction<? super T, ? extends R> fn, Stream<? extends T> inputs)
      throws InterruptedException;

  /**
   * Streams every outcome in input order.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the outcomes, to iterate and close
   */
  <T, R> Results<Outcome<T, R>> imapOutcomes(
      TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> inputs);

  /**
   * As {@link #imapOutcomes(TaskFunction, Iterable)}, for an iterator.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the outcomes, to iterate and close
   */
  <T, R> Results<Outcome<T, R>> imapOutcomes(
      TaskFunction<? super T, ? extends R> fn, Iterator<? extends T> inputs);

  /**
   * As {@link #imapOutcomes(TaskFunction, Iterable)}, for a stream, closed with the results.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the outcomes, to iterate and close
   */
  <T, R> Results<Outcome<T, R>> imapOutcomes(
      TaskFunction<? super T, ? extends R> fn, Stream<? extends T> inputs);

  /**
   * Streams every outcome as it completes.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the outcomes, to iterate and close
   */
  <T, R> Results<Outcome<T, R>> imapUnorderedOutcomes(
      TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> inputs);

  /**
   * As {@link #imapUnorderedOutcomes(TaskFunction, Iterable)}, for an iterator.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the outcomes, to iterate and close
   */
  <T, R> Results<Outcome<T, R>> imapUnorderedOutcomes(
      TaskFunction<? super T, ? extends R> fn, Iterator<? extends T> inputs);

  /**
   * As {@link #imapUnorderedOutcomes(TaskFunction, Iterable)}, for a stream, closed with the
   * results.
   *
   * @param fn the task
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the outcomes, to iterate and close
   */
  <T, R> Results<Outcome<T, R>> imapUnorderedOutcomes(
      TaskFunction<? super T, ? extends R> fn, Stream<? extends T> inputs);
}
