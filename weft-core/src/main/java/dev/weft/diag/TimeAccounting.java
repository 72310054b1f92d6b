package dev.weft.diag;

import dev.weft.spi.Recorder;
import dev.weft.spi.WorkerRecorder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The standard {@link Recorder}: adds up each worker's batches, tasks and time, and gives {@link
 * PoolStats} snapshots. Recording costs a few uncontended adds per batch and per wait; reading a
 * snapshot never blocks the workers.
 *
 * <p>Thread-safe. A snapshot is not atomic across counters: each counter is exact as of some moment
 * during the snapshot.
 */
public final class TimeAccounting implements Recorder {
  private final String engine;
  private final int parallelism;
  private final List<Account> accounts = new CopyOnWriteArrayList<>();

  /**
   * Creates an empty accounting.
   *
   * @param engine the engine's name, for the snapshots
   * @param parallelism the engine's parallelism, for the snapshots
   */
  public TimeAccounting(String engine, int parallelism) {
    this.engine = engine;
    this.parallelism = parallelism;
  }

  @Override
  public WorkerRecorder worker(String workerName) {
    Account account = new Account(workerName);
    accounts.add(account);
    return account;
  }

  /**
   * The counters now.
   *
   * @return an immutable snapshot
   */
  public PoolStats snapshot() {
    return new PoolStats(engine, parallelism, accounts.stream().map(Account::snapshot).toList());
  }

  private static final class Account implements WorkerRecorder {
    private final String name;
    // AtomicLongs, not LongAdders: a worker's account is written by that worker (and an IO
    // engine's by at most as many carriers as there are cores), so striping buys nothing, and
    // LongAdder's first use pulls in the VarHandle machinery, milliseconds of a pool's creation.
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong tasks = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong working = new AtomicLong();
    private final AtomicLong idle = new AtomicLong();
    private final AtomicLong serializing = new AtomicLong();

    Account(String name) {
      this.name = name;
    }

    @Override
    public void batch(int tasks, int failed, long startNanos, long endNanos) {
      batches.incrementAndGet();
      this.tasks.addAndGet(tasks);
      if (failed > 0) {
        this.failed.addAndGet(failed);
      }
      working.addAndGet(endNanos - startNanos);
    }

    @Override
    public void idle(long startNanos, long endNanos) {
      idle.addAndGet(endNanos - startNanos);
    }

    @Override
    public void serialization(long startNanos, long endNanos) {
      serializing.addAndGet(endNanos - startNanos);
    }

    WorkerStats snapshot() {
      return new WorkerStats(
          name,
          batches.get(),
          tasks.get(),
          failed.get(),
          Duration.ofNanos(working.get()),
          Duration.ofNanos(idle.get()),
          Duration.ofNanos(serializing.get()));
    }
  }
}
