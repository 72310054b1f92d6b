package dev.weft;

import java.io.Serializable;

/**
 * A task of two arguments, for {@link Pool#starmap(TaskBiFunction, Iterable)}. Serializable for the
 * same reason as {@link TaskFunction}.
 *
 * @param <A> the first argument's type
 * @param <B> the second argument's type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskBiFunction<A, B, R> extends Serializable {
  /**
   * Computes the result for one pair of arguments.
   *
   * @param first the first argument
   * @param second the second argument
   * @return the result
   * @throws Exception any failure of the task
   */
  R apply(A first, B second) throws Exception;
}
