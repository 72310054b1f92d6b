package dev.weft;

import java.io.Serializable;

/**
 * A task without input, for {@link Pool#submit(TaskCallable)}. Serializable for the same reason as
 * {@link TaskFunction}.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskCallable<R> extends Serializable {
  /**
   * Runs the task.
   *
   * @return the result
   * @throws Exception any failure of the task
   */
  R call() throws Exception;
}
