package dev.weft;

import java.io.Serializable;

/**
 * A task of three arguments, for {@link Pool#starmap(TaskTriFunction, Iterable)}. Serializable for
 * the same reason as {@link TaskFunction}.
 *
 * @param <A> the first argument's type
 * @param <B> the second argument's type
 * @param <C> the third argument's type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskTriFunction<A, B, C, R> extends Serializable {
  /**
   * Computes the result for one triple of arguments.
   *
   * @param first the first argument
   * @param second the second argument
   * @param third the third argument
   * @return the result
   * @throws Exception any failure of the task
   */
  R apply(A first, B second, C third) throws Exception;
}
