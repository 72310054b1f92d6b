package dev.weft.diag;

import java.time.Duration;

/**
 * Where one worker's time went, as of one moment. Immutable.
 *
 * @param name the worker's name (a thread name, or the engine's name for engines without fixed
 *     workers)
 * @param batches batches run
 * @param tasks tasks run (successes and failures)
 * @param failed tasks that failed
 * @param working time spent running tasks
 * @param waitingForInput time spent waiting for work
 * @param serializing time spent serializing and deserializing tasks, inputs and results (by the
 *     pool's side of an engine that ships work to other processes; zero on the in-JVM engines,
 *     which serialize nothing)
 */
public record WorkerStats(
    String name,
    long batches,
    long tasks,
    long failed,
    Duration working,
    Duration waitingForInput,
    Duration serializing) {

  /**
   * The share of accounted time spent working, from 0 to 1.
   *
   * @return working / (working + waiting), 0 when nothing was accounted
   */
  public double utilization() {
    long total = working.toNanos() + waitingForInput.toNanos();
    return total == 0 ? 0 : (double) working.toNanos() / total;
  }
}
