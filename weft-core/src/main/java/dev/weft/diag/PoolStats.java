package dev.weft.diag;

import java.time.Duration;
import java.util.List;

/**
 * A pool's counters and its workers' time, as of one moment. Immutable.
 *
 * @param engine the engine's name
 * @param parallelism how many batches the engine runs at once
 * @param workers one entry per worker
 */
public record PoolStats(String engine, int parallelism, List<WorkerStats> workers) {
  /** Copies the list. */
  public PoolStats {
    workers = List.copyOf(workers);
  }

  /**
   * Tasks run by all workers.
   *
   * @return the sum over workers
   */
  public long tasks() {
    return workers.stream().mapToLong(WorkerStats::tasks).sum();
  }

  /**
   * Tasks that failed, over all workers.
   *
   * @return the sum over workers
   */
  public long failed() {
    return workers.stream().mapToLong(WorkerStats::failed).sum();
  }

  /**
   * Batches run by all workers.
   *
   * @return the sum over workers
   */
  public long batches() {
    return workers.stream().mapToLong(WorkerStats::batches).sum();
  }

  /**
   * Time spent running tasks, over all workers.
   *
   * @return the sum over workers
   */
  public Duration working() {
    return workers.stream().map(WorkerStats::working).reduce(Duration.ZERO, Duration::plus);
  }

  /**
   * Time spent waiting for work, over all workers.
   *
   * @return the sum over workers
   */
  public Duration waitingForInput() {
    return workers.stream().map(WorkerStats::waitingForInput).reduce(Duration.ZERO, Duration::plus);
  }

  /**
   * Time the workers' side of the pool spent serializing, summed over all workers: zero on the
   * in-JVM engines.
   *
   * @return the total
   */
  public Duration serializing() {
    return workers.stream().map(WorkerStats::serializing).reduce(Duration.ZERO, Duration::plus);
  }
}
