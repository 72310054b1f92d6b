package dev.weft.spi;

/**
 * Where one worker's time goes. An engine calls these from the worker itself, with times from
 * {@link System#nanoTime()}; implementations must be cheap (a few field updates) and thread-safe,
 * because engines without fixed workers (virtual threads) share one recorder among many threads.
 *
 * <p>In-JVM workers never block handing off a result (the call stores it and a slow consumer shows
 * as idle workers, held back by the window), and they serialize nothing; engines that ship work to
 * other processes also report {@link #serialization}.
 */
public interface WorkerRecorder {
  /**
   * The worker ran a batch.
   *
   * @param tasks how many inputs ran
   * @param failed how many of them failed
   * @param startNanos when the batch started
   * @param endNanos when it ended
   */
  void batch(int tasks, int failed, long startNanos, long endNanos);

  /**
   * The worker waited for work (input starvation).
   *
   * @param startNanos when the wait began
   * @param endNanos when it ended
   */
  void idle(long startNanos, long endNanos);

  /**
   * The worker (or the parent on its behalf) serialized or deserialized tasks or results: time that
   * engines shipping work to other processes spend that in-JVM engines do not.
   *
   * @param startNanos when it began
   * @param endNanos when it ended
   */
  default void serialization(long startNanos, long endNanos) {}

  /** A recorder that records nothing. */
  WorkerRecorder NONE =
      new WorkerRecorder() {
        @Override
        public void batch(int tasks, int failed, long startNanos, long endNanos) {}

        @Override
        public void idle(long startNanos, long endNanos) {}
      };
}
