package dev.weft.process;

import java.io.Serializable;

/**
 * Makes a worker's state once, when the worker process starts, before its first task: a connection,
 * a loaded model, a cache. Tasks read the result with {@link ProcessWorker#state(Class)}.
 * Serialized and shipped to every worker, so a lambda is fine as long as what it captures is
 * serializable. If it throws, every task on that worker fails with an error whose cause is what it
 * threw.
 *
 * @param <S> the state's type
 */
@FunctionalInterface
public interface WorkerInitializer<S> extends Serializable {
  /**
   * Makes the state.
   *
   * @return the state, not null
   * @throws Exception if it cannot be made
   */
  S create() throws Exception;
}
