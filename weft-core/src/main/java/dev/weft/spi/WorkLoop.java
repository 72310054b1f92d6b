package dev.weft.spi;

import java.util.function.BooleanSupplier;

/**
 * Work that an engine's worker takes for itself, piece after piece, with no hand-off through the
 * engine's queue per piece: how a map over a list of known size feeds an engine whose workers share
 * this JVM's memory. The pool submits one loop per worker it wants; each loop claims the next run
 * of inputs from a shared cursor, runs it and writes the results in place, until nothing is left.
 * The caller sleeps until the loops end: no wake-up per batch, no result copied, no batch waits in
 * a queue while a worker is idle.
 *
 * <p>Engines that ship work elsewhere (worker processes, a cluster) cannot run a loop: their {@link
 * Engine#supportsWorkLoops()} is false and the pool hands them batches instead.
 */
public interface WorkLoop {
  /**
   * Runs on a worker until no work is left, or until {@code stopRequested} says stop (the loop was
   * cancelled or the engine shut down now). A stop also interrupts the worker's thread. The loop
   * reports each piece it ran to {@code recorder}, as a batch.
   *
   * @param stopRequested true once the loop should stop at the next task boundary
   * @param recorder where the worker's time goes
   */
  void run(BooleanSupplier stopRequested, WorkerRecorder recorder);

  /**
   * The loop is over: called exactly once for every loop an engine accepted, after {@link #run}
   * returned, or instead of it if the loop was cancelled before a worker took it. It must be quick
   * and must not block.
   *
   * @param ran true if {@link #run} was called
   */
  void ended(boolean ran);
}
