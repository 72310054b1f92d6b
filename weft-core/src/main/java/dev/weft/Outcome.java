package dev.weft;

/**
 * What became of one input: it {@linkplain Success succeeded}, {@linkplain Failure failed} or was
 * {@linkplain Cancelled cancelled} before it ran. A failure is the task's own (it threw), or the
 * engine's verdict on it: its worker died on every attempt ({@link Failure#workerLost()}, a {@link
 * WorkerLostException}) or it ran past its time limit ({@link Failure#timedOut()}).
 *
 * <p>Returned by the collect-all methods ({@link Pool#mapOutcomes}, {@link Pool#imapOutcomes},
 * {@link Pool#imapUnorderedOutcomes}), which never throw for a task's failure. Every outcome names
 * the input it belongs to and its zero-based position in the input, so that failed inputs can be
 * retried and unordered results matched to their inputs:
 *
 * {@snippet :
 * for (Outcome<String, Integer> o : pool.mapOutcomes(Integer::parseInt, lines)) {
 *   switch (o) {
 *     case Outcome.Success<String, Integer> s -> total += s.value();
 *     case Outcome.Failure<String, Integer> f -> System.err.println("line " + f.index() + ": " + f.error());
 *     case Outcome.Cancelled<String, Integer> c -> {}
 *   }
 * }
 * }
 *
 * @param <T> the input type
 * @param <R> the result type
 */
public sealed interface Outcome<T, R> {
  /**
   * The input's zero-based position in the input sequence.
   *
   * @return the index
   */
  long index();

  /**
   * The input this outcome belongs to.
   *
   * @return the input element
   */
  T input();

  /**
   * Whether the task succeeded.
   *
   * @return true for a {@link Success}
   */
  default boolean succeeded() {
    return this instanceof Success;
  }

  /**
   * The task ran and returned a value.
   *
   * @param index the input's position
   * @param input the input
   * @param value the task's result
   * @param <T> the input type
   * @param <R> the result type
   */
  record Success<T, R>(long index, T input, R value) implements Outcome<T, R> {}

  /**
   * The task ran and threw.
   *
   * @param index the input's position
   * @param input the input
   * @param error what the task threw
   * @param <T> the input type
   * @param <R> the result type
   */
  record Failure<T, R>(long index, T input, Throwable error) implements Outcome<T, R> {
    /**
     * Whether the task did not fail by itself: the worker running it died (a killed or crashed
     * worker process) on every attempt, so {@link #error()} is a {@link WorkerLostException}.
     *
     * @return true for a lost worker
     */
    public boolean workerLost() {
      return error instanceof WorkerLostException;
    }

    /**
     * Whether the task ran past its time limit ({@link MapOptions#withTaskTimeout}) and was stopped
     * by the engine, so {@link #error()} is a {@link dev.weft.policy.TaskTimeoutException}.
     *
     * @return true for a timeout
     */
    public boolean timedOut() {
      return error instanceof dev.weft.policy.TaskTimeoutException;
    }
  }

  /**
   * The task did not finish because its work was cancelled (the pool was shut down with {@link
   * Pool#shutdownNow()}, or the task was interrupted by a cancellation).
   *
   * @param index the input's position
   * @param input the input
   * @param <T> the input type
   * @param <R> the result type
   */
  record Cancelled<T, R>(long index, T input) implements Outcome<T, R> {}
}
