package dev.weft;

import java.io.Serializable;

/**
 * A task applied to one input: the function that {@link Pool#map} and its relatives run on every
 * element.
 *
 * <p>It is {@link Serializable} so that the same lambda can run on a thread, in a worker process or
 * on a cluster member: a lambda assigned to this type is serializable as long as everything it
 * captures is. It may throw any exception; a thrown exception becomes the task's failure (see
 * {@link TaskFailedException} and {@link Outcome.Failure}).
 *
 * @param <T> the input type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskFunction<T, R> extends Serializable {
  /**
   * Computes the result for one input.
   *
   * @param input the input element
   * @return the result
   * @throws Exception any failure of the task; an {@link InterruptedException} thrown because the
   *     task was cancelled is reported as a cancellation, not a failure
   */
  R apply(T input) throws Exception;
}
