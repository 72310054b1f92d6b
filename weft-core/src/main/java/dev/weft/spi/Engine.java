package dev.weft.spi;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs batches of tasks somewhere: on platform threads, on virtual threads, in worker processes, on
 * a cluster. A {@link dev.weft.Pool} owns one engine and does everything else (input, windows,
 * batching, ordering, errors) itself, so a new engine implements only this interface and passes the
 * conformance suite in weft-testkit.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #execute} accepts a batch and later calls its callback <b>exactly once</b>, whatever
 *       happens: success, failures, cancellation, shutdown, a crashed worker.
 *   <li>An engine holds a bounded number of accepted batches; {@link #execute} blocks while it is
 *       full, and throws {@link InterruptedException} if interrupted while waiting.
 *   <li>Inputs of a batch run in order, one at a time; an engine may run different batches in
 *       parallel, up to {@link #parallelism()}.
 *   <li>Workers report their time to the worker recorders they got from the {@link Recorder}.
 *   <li>Each input's fate is in the batch's {@link BatchResult}: a value, or an error, which is
 *       what the task threw, a {@link dev.weft.WorkerLostException} if its worker died before it
 *       answered, or a {@link dev.weft.policy.TaskTimeoutException} if it ran past the batch's
 *       {@link TaskDeadline}, which the engine enforces; inputs not attempted were cancelled.
 * </ul>
 *
 * <p>Happens-before: actions of the thread that calls {@code execute} before the call happen before
 * the batch's tasks run, and the tasks' actions happen before the callback runs.
 */
public interface Engine {
  /**
   * A short name for diagnostics, such as {@code "cpu"} or {@code "io"}.
   *
   * @return the name
   */
  String name();

  /**
   * How many batches the engine runs at the same time.
   *
   * @return the number of workers or the concurrency cap
   */
  int parallelism();

  /**
   * Starts the engine. Called once, by the pool, before the first {@link #execute}.
   *
   * @param recorder where the workers report their time
   */
  void start(Recorder recorder);

  /**
   * Accepts a batch for execution.
   *
   * @param batch the batch
   * @param callback called exactly once with the batch's result
   * @return a handle to cancel the batch
   * @throws InterruptedException if interrupted while waiting for room
   * @throws RejectedExecutionException if the engine is shut down
   */
  BatchControl execute(Batch<?, ?> batch, BatchCallback callback) throws InterruptedException;

  /**
   * Whether {@link #executeLoop} works: the workers run Java code in this JVM and may share memory
   * with the caller. False by default, for engines that ship batches elsewhere.
   *
   * @return true if the engine runs work loops
   */
  default boolean supportsWorkLoops() {
    return false;
  }

  /**
   * Accepts a work loop, which a worker runs like a batch (it waits in the same queue, holds a
   * worker while it runs, and is cancelled the same way). Only for engines whose {@link
   * #supportsWorkLoops()} is true; the others refuse it.
   *
   * @param loop the loop
   * @return a handle to cancel it: before it starts, it never will ({@link WorkLoop#ended} says
   *     so); while it runs, its stop signal turns true and its thread is interrupted
   * @throws InterruptedException if interrupted while waiting for room
   * @throws RejectedExecutionException if the engine is shut down
   * @throws UnsupportedOperationException if the engine does not run loops
   */
  default BatchControl executeLoop(WorkLoop loop) throws InterruptedException {
    throw new UnsupportedOperationException(
        "the " + name() + " engine ships its work elsewhere and cannot run a work loop");
  }

  /**
   * Whether the engine ships tasks elsewhere (another JVM, a cluster), serialized: then a pool
   * checks when a call starts that its function can be shipped ({@link
   * dev.weft.spi.Shipping#check}) and rejects it clearly if not, instead of failing deep inside a
   * worker. Tasks of such an engine must not count on memory shared with the caller. False by
   * default.
   *
   * @return true if tasks are serialized
   */
  default boolean shipsWork() {
    return false;
  }

  /**
   * What it costs to hand a batch to a worker and get its result back, beyond the time its tasks
   * run: a queue hand-off and a wake-up in a JVM (microseconds), a serialized message to another
   * process (tens of microseconds), a call to a cluster (milliseconds). The pool sizes batches from
   * it so that the hand-off stays a small part of each batch's time. An engine may measure it as it
   * goes; the value may change between calls.
   *
   * @return the current estimate in nanoseconds, positive
   */
  default long handoffNanos() {
    return 5_000;
  }

  /**
   * How many batches really compute at once: the number of workers of a thread or process engine,
   * the cores behind a virtual-thread engine (whose {@link #parallelism()} counts tasks that may
   * wait at once), the cores of a cluster. The pool cuts a call into enough batches to keep this
   * many busy.
   *
   * @return at least 1
   */
  default int computeSlots() {
    return Math.max(1, Math.min(parallelism(), 4 * Runtime.getRuntime().availableProcessors()));
  }

  /** Stops accepting batches; accepted batches still run. Does not wait. */
  void shutdown();

  /**
   * Stops accepting batches, cancels the accepted ones that have not started (their callbacks
   * report them cancelled) and interrupts the running ones. Does not wait.
   */
  void shutdownNow();

  /**
   * Waits until every accepted batch has finished and every worker has stopped, after a shutdown.
   *
   * @param timeout how long to wait at most
   * @return true if terminated, false if the time ran out
   * @throws InterruptedException if interrupted while waiting
   */
  boolean awaitTermination(Duration timeout) throws InterruptedException;

  /**
   * Whether the engine has shut down and every worker has stopped.
   *
   * @return true once terminated
   */
  boolean isTerminated();
}
