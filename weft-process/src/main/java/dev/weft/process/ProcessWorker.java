package dev.weft.process;

import dev.weft.process.internal.WorkerState;

/**
 * What a task running in a worker process can learn about its worker: its name and the per-worker
 * state made by {@link ProcessOptions#withInitializer}. Outside a worker process (on the parent, or
 * on an in-JVM pool) there is no worker: {@link #inWorker()} is false.
 *
 * {@snippet :
 * ProcessOptions options =
 *     ProcessOptions.workers(2).withInitializer(() -> new java.util.Random(42));
 * try (Pool pool = Pool.on(ProcessEngine.create(options))) {
 *   List<Integer> draws =
 *       pool.map(x -> ProcessWorker.state(java.util.Random.class).nextInt(10), List.of(1, 2, 3));
 * }
 * }
 *
 * <p>Thread-safe; the state is published before the worker runs its first task.
 */
public final class ProcessWorker {
  private ProcessWorker() {}

  /**
   * Whether the current code runs in a weft worker process.
   *
   * @return true inside a worker
   */
  public static boolean inWorker() {
    return WorkerState.name() != null;
  }

  /**
   * The worker's name, such as {@code weft-proc-1-w2}, the prefix of its output lines in the
   * parent.
   *
   * @return the name
   * @throws IllegalStateException outside a worker process
   */
  public static String name() {
    String name = WorkerState.name();
    if (name == null) {
      throw new IllegalStateException("not in a weft worker process");
    }
    return name;
  }

  /**
   * The per-worker state: what the {@linkplain ProcessOptions#withInitializer initializer} returned
   * when this worker started.
   *
   * @param type the state's class
   * @param <S> its type
   * @return the state
   * @throws IllegalStateException outside a worker process, if no initializer was given, or if it
   *     failed (the failure is the cause)
   * @throws ClassCastException if the state is not a {@code type}
   */
  public static <S> S state(Class<S> type) {
    String name = name();
    Throwable failure = WorkerState.initFailure();
    if (failure != null) {
      throw new IllegalStateException("the initializer of worker " + name + " failed", failure);
    }
    Object state = WorkerState.state();
    if (state == null) {
      throw new IllegalStateException(
          "worker " + name + " has no state: give ProcessOptions.withInitializer(...)");
    }
    return type.cast(state);
  }
}
