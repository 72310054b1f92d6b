package dev.weft.process;

import dev.weft.process.internal.Supervisor;
import dev.weft.spi.Batch;
import dev.weft.spi.BatchCallback;
import dev.weft.spi.BatchControl;
import dev.weft.spi.Engine;
import dev.weft.spi.Recorder;
import java.time.Duration;
import java.util.List;

/**
 * An {@link Engine} whose workers are separate JVMs on this machine: for work that must not share a
 * heap with the caller (a native library that may crash, code that leaks, a heap per task group),
 * or that must be killed rather than interrupted when it overstays. Use it through a pool:
 *
 * {@snippet :
 * try (Pool pool = Pool.on(ProcessEngine.create(ProcessOptions.workers(2).withHeap("128m")))) {
 *   List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3)); // [1, 4, 9]
 * }
 * }
 *
 * <p>Tasks, inputs and results are serialized (Apache Fory); a task's function goes to each worker
 * once per call, not once per batch. Workers run the parent's JDK with its class path, start with
 * the first batch (or at once, {@link ProcessOptions#withEagerStart}), and print through the
 * parent: each line a task writes to {@code System.out} or {@code System.err} appears on the
 * parent's, prefixed with the worker's name ({@code [weft-proc-1-w2] }).
 *
 * <p>Failures are contained. A worker that dies (killed, crashed, halted) is replaced; the results
 * it had sent are kept, the tasks it had not finished run again on another worker, one per batch so
 * that a task that kills its worker is found, and a task whose workers died {@link
 * ProcessOptions#maxAttempts()} times fails with {@link dev.weft.WorkerLostException}, naming the
 * worker, its pid, exit code or signal. A task past its deadline has its worker killed ({@code
 * SIGKILL}) and fails as timed out. An {@link OutOfMemoryError} or {@link StackOverflowError} in a
 * task fails that task (with a hint on the limit) and retires its worker. Workers exit by
 * themselves when the parent dies, whatever kills it.
 *
 * <p>Thread-safe. Bounds: at most {@code max(64, 16 * workers)} accepted batches wait ({@link
 * #execute} blocks for room) and each worker holds at most two batches. Happens-before, as far as
 * it applies across processes: what the caller did before {@code execute} happens before the batch
 * is serialized, and the deserialization of its results happens before its callback.
 */
public final class ProcessEngine implements Engine {
  private final Supervisor supervisor;

  private ProcessEngine(ProcessOptions options) {
    this.supervisor = new Supervisor(options);
  }

  /**
   * An engine of {@code workers} worker processes with default options.
   *
   * @param workers at least 1
   * @return the engine, not started (give it to {@code Pool.on})
   */
  public static ProcessEngine create(int workers) {
    return new ProcessEngine(ProcessOptions.workers(workers));
  }

  /**
   * An engine with the given options.
   *
   * @param options the options
   * @return the engine, not started (give it to {@code Pool.on})
   * @throws IllegalArgumentException if the initializer cannot be serialized
   */
  public static ProcessEngine create(ProcessOptions options) {
    return new ProcessEngine(options);
  }

  @Override
  public String name() {
    return "processes";
  }

  @Override
  public int parallelism() {
    return supervisor.workers();
  }

  /**
   * How many batches run at once: one per worker.
   *
   * @return the worker count
   */
  @Override
  public int computeSlots() {
    return supervisor.workers();
  }

  /**
   * Tasks are serialized to reach the workers.
   *
   * @return true
   */
  @Override
  public boolean shipsWork() {
    return true;
  }

  /**
   * The measured cost of a batch's round trip to a worker beyond its run time (an average that
   * follows recent batches; 50 us before the first).
   *
   * @return nanoseconds
   */
  @Override
  public long handoffNanos() {
    return supervisor.handoffNanos();
  }

  /**
   * Starts the engine. First it removes the shared-memory segments that processes which died
   * without closing them left behind (a crashed worker or parent, say): a pool's start is where
   * such leftovers are cleaned up, as {@link dev.weft.shm.SharedMemory#reclaimOrphans()} says.
   * Segments that a live process holds are never touched.
   */
  @Override
  public void start(Recorder recorder) {
    try {
      dev.weft.shm.SharedMemory.reclaimOrphans();
    } catch (java.io.IOException | RuntimeException e) {
      // Cleaning up after others must not stop this pool from starting.
    }
    supervisor.start(recorder);
  }

  @Override
  public BatchControl execute(Batch<?, ?> batch, BatchCallback callback)
      throws InterruptedException {
    return supervisor.execute(batch, callback);
  }

  @Override
  public void shutdown() {
    supervisor.shutdown();
  }

  /**
   * Stops accepting batches, cancels the queued ones and interrupts the running ones; a worker
   * whose task has not stopped a second later is killed ({@code SIGKILL}). The tasks that did not
   * finish count as cancelled; the results already sent are kept. Does not wait.
   */
  @Override
  public void shutdownNow() {
    supervisor.shutdownNow();
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return supervisor.awaitTermination(timeout);
  }

  @Override
  public boolean isTerminated() {
    return supervisor.isTerminated();
  }

  /**
   * The pids of the worker processes alive now: for diagnostics, and for tests that kill one.
   *
   * @return the pids, in slot order
   */
  public List<Long> workerPids() {
    return supervisor.workerPids();
  }

  @Override
  public String toString() {
    return "ProcessEngine[" + supervisor.name() + ", " + supervisor.workers() + " workers]";
  }
}
