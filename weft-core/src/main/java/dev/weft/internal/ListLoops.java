package dev.weft.internal;

import dev.weft.Outcome;
import dev.weft.TaskFailedException;
import dev.weft.TaskFunction;
import dev.weft.spi.BatchControl;
import dev.weft.spi.BatchRunner;
import dev.weft.spi.Engine;
import dev.weft.spi.WorkLoop;
import dev.weft.spi.WorkerRecorder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;

/**
 * An eager map over a random-access list on an engine whose workers share this JVM: one {@link
 * WorkLoop} per worker, each claiming the next run of indices from a shared cursor, running it and
 * writing the results straight into the output array. The caller submits the loops and sleeps until
 * they end; it is woken once, not once per batch.
 *
 * <p>Why: on the batch path every batch costs a queue hand-off, a worker wake-up, a result array
 * and a wake-up of the caller, whose thread then competes with the workers for the cores. Here a
 * piece costs one atomic add on the cursor and two clock reads, so pieces can be small (good
 * balance, a first call that needs no warm-up) without that cost showing.
 *
 * <p>Piece sizes: a fixed chunk size is kept exactly. Automatic pieces start at one input and grow
 * at most eightfold per piece towards {@code targetNanos} of measured work, each loop from its own
 * last piece; near the end of the list a piece is at most the remaining inputs over twice the
 * number of loops (guided self-scheduling), so the loops finish together.
 *
 * <p>Failures: in fail-fast mode the first failing task stops every loop at its next task boundary
 * and interrupts their running tasks, as the batch path cancels its running batches; later failures
 * are suppressed into the first (at most 8). In collect mode every task runs and each failure is
 * kept at its index. Inputs that never ran (the pool shut down now) are reported as the batch path
 * reports them: a {@link CancellationException} in fail-fast mode, {@link Outcome.Cancelled}
 * outcomes in collect mode.
 *
 * <p>Nested use: a caller that is itself a worker of the engine runs a loop on its own thread
 * instead of waiting, and withdraws the loops no worker has claimed when the list is done, so
 * nested maps complete however many workers are waiting.
 *
 * <p>Memory visibility: every loop writes its results and errors before {@link #ended}, which takes
 * the lock the caller reads under.
 *
 * @param <T> the input type
 * @param <R> the result type
 */
final class ListLoops<T, R> implements WorkLoop {
  private static final int MAX_SUPPRESSED = 8;
  private static final int MAX_PIECE = 1 << 20;
  private final Engine engine;
  private final List<? extends T> list;
  private final int n;
  private final TaskFunction<? super T, ? extends R> function;
  private final boolean collect;
  private final int fixed;
  private final long targetNanos;
  private final int loops;
  private final Object[] out;

  // Atomics, not VarHandles, so that a program's first map does not pay the VarHandle machinery's
  // first use.
  private final AtomicInteger cursor = new AtomicInteger();
  // Collect mode only, made on the first failure.
  private final AtomicReference<Throwable[]> errors = new AtomicReference<>();

  private volatile boolean stop;

  // Under lock.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final BatchControl[] controls;
  private int submitted;
  private int ended;
  private final List<int[]> unrun = new ArrayList<>();
  private TaskFailedException failure;
  private int suppressed;

  ListLoops(
      Engine engine,
      List<? extends T> list,
      TaskFunction<? super T, ? extends R> function,
      boolean collect,
      int fixed,
      long targetNanos,
      int loops) {
    this.engine = engine;
    this.list = list;
    this.n = list.size();
    this.function = function;
    this.collect = collect;
    this.fixed = fixed;
    this.targetNanos = targetNanos;
    this.loops = loops;
    this.out = new Object[n];
    this.controls = new BatchControl[loops];
  }

  /**
   * Whether a map of this shape goes through loops: an engine that runs them, sized for the cores
   * (an IO engine's thousands of permits would each start a loop; it keeps the batch path, which
   * widens its concurrency as tasks prove slow).
   */
  static boolean suits(Engine engine) {
    return engine.supportsWorkLoops()
        && engine.parallelism() <= 4 * Runtime.getRuntime().availableProcessors();
  }

  /**
   * Runs the map and returns the values (fail-fast) or outcomes (collect), in input order.
   *
   * @throws InterruptedException if interrupted while waiting; the loops are stopped first
   */
  static <T, R, E> List<E> map(
      Engine engine,
      List<? extends T> list,
      TaskFunction<? super T, ? extends R> function,
      boolean collect,
      int fixedChunk,
      long targetNanos)
      throws InterruptedException {
    if (list.isEmpty()) {
      return List.of();
    }
    int pieces = fixedChunk > 0 ? (list.size() + fixedChunk - 1) / fixedChunk : list.size();
    int loops = Math.max(1, Math.min(engine.parallelism(), pieces));
    return new ListLoops<T, R>(engine, list, function, collect, fixedChunk, targetNanos, loops)
        .run();
  }

  private <E> List<E> run() throws InterruptedException {
    boolean inline = Job.isWorkerOf(engine);
    if (inline && Thread.interrupted()) {
      // The loop below clears what tasks leave between pieces; an interrupt that was there before
      // the call is the caller's, and a blocking call answers it (a submission would, too).
      throw new InterruptedException("interrupted before a nested map started");
    }
    try {
      // A worker of this engine runs one loop itself: waiting for a queued loop could wait for
      // its own thread.
      for (int j = inline ? 1 : 0; j < loops && !stop; j++) {
        BatchControl c = engine.executeLoop(this);
        lock.lock();
        try {
          controls[submitted++] = c;
        } finally {
          lock.unlock();
        }
      }
    } catch (RejectedExecutionException e) {
      // The pool was shut down meanwhile: the loops it accepted still end (after a graceful
      // shutdown they even finish the list), and what never ran is reported below as cancelled.
    } catch (InterruptedException | RuntimeException | Error e) {
      stopAll();
      throw e;
    }
    if (stop) {
      stopAll(); // a failure came while loops were still being submitted
    }
    if (inline) {
      // Inside a job of this engine: the enclosing job's stop flag stops this loop too, and is
      // read after the interrupt status is cleared between pieces, exactly as on a worker.
      BooleanSupplier outerStop = Job.currentStopSignal();
      work(outerStop, WorkerRecorder.NONE);
      withdrawUnclaimed();
      if (outerStop.getAsBoolean()) {
        stopAll();
        throw new InterruptedException("the task running this nested map was cancelled");
      }
    }
    lock.lock();
    try {
      // A failure ends the call at once, as on the batch path: a task that ignores its interrupt
      // does not hold the caller.
      while (ended < submitted && failure == null) {
        changed.await();
      }
    } catch (InterruptedException e) {
      lock.unlock();
      try {
        stopAll();
      } finally {
        lock.lock();
      }
      throw e;
    } finally {
      lock.unlock();
    }
    return results();
  }

  @Override
  public void run(BooleanSupplier stopRequested, WorkerRecorder recorder) {
    work(stopRequested, recorder);
  }

  @Override
  public void ended(boolean ran) {
    lock.lock();
    try {
      ended++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void work(BooleanSupplier engineStop, WorkerRecorder recorder) {
    Piece piece = new Piece();
    int size = fixed > 0 ? fixed : 1;
    while (true) {
      // What a task left on this thread must not reach the next piece; a stop's interrupt is
      // preceded by its flag, which is read after this.
      Thread.interrupted();
      if (stop || engineStop.getAsBoolean()) {
        return;
      }
      int want = size;
      if (fixed == 0) {
        int remaining = n - cursor.getOpaque();
        want = Math.min(want, Math.max(1, (remaining + 2 * loops - 1) / (2 * loops)));
      }
      int from = cursor.getAndAdd(want);
      if (from >= n || from < 0) {
        cursor.set(n); // keep an overshoot from wrapping around
        withdrawUnclaimed();
        return;
      }
      int to = (int) Math.min(n, (long) from + want);
      long start = System.nanoTime();
      int failed = 0;
      int i = from;
      boolean stopNow = false;
      while (i < to) {
        i = runPiece(piece, i, to, engineStop);
        Throwable t = piece.error;
        if (t == null) {
          stopNow = i < to;
          break;
        }
        piece.error = null;
        if ((stop || engineStop.getAsBoolean()) && BatchRunner.isInterruption(t)) {
          stopNow = true;
          break;
        }
        failed++;
        i++;
        if (failed(i - 1, t)) {
          stopNow = true;
          break;
        }
      }
      long end = System.nanoTime();
      if (i > from) {
        recorder.batch(i - from, failed, start, end);
      }
      if (i < to) {
        lock.lock();
        try {
          unrun.add(new int[] {i, to});
        } finally {
          lock.unlock();
        }
      }
      if (stopNow) {
        return;
      }
      if (fixed == 0) {
        double perItem = Math.max(1.0, (double) (end - start) / (to - from));
        long grown = Math.min(8L * size, (long) (targetNanos / perItem));
        size = (int) Math.max(1, Math.min(grown, MAX_PIECE));
      }
    }
  }

  /**
   * The hot loop, kept small so that the JIT compiles it early and cheaply: a program's first map
   * runs mostly here, and a large method would stay interpreted (or wait for its compilation on a
   * busy core) for tens of thousands of tasks.
   *
   * @return the index it stopped at: {@code to}, the first index not run after a stop, or the index
   *     whose task threw (then {@code piece.error} holds what it threw)
   */
  private int runPiece(Piece piece, int from, int to, BooleanSupplier engineStop) {
    int i = from;
    try {
      for (; i < to; i++) {
        if (stop || engineStop.getAsBoolean()) {
          return i;
        }
        out[i] = function.apply(list.get(i));
      }
    } catch (Throwable t) {
      piece.error = t;
    }
    return i;
  }

  /** What a loop's hot loop hands back besides an index. */
  private static final class Piece {
    Throwable error;
  }

  /**
   * Keeps a task's failure.
   *
   * @return true if the loop should stop (fail-fast)
   */
  private boolean failed(int i, Throwable t) {
    if (collect) {
      Throwable[] e = errors.get();
      if (e == null) {
        Throwable[] made = new Throwable[n];
        e = errors.compareAndExchange(null, made);
        if (e == null) {
          e = made;
        }
      }
      e[i] = t;
      return false;
    }
    TaskFailedException f = new TaskFailedException(i, list.get(i), t);
    boolean first;
    lock.lock();
    try {
      first = failure == null;
      if (first) {
        failure = f;
        changed.signalAll(); // the caller throws it at once
      } else if (suppressed < MAX_SUPPRESSED) {
        suppressed++;
        failure.addSuppressed(f);
      }
    } finally {
      lock.unlock();
    }
    if (first) {
      stopAll();
    }
    return true;
  }

  /** Stops every loop: the flag at the next task boundary, and an interrupt for running tasks. */
  private void stopAll() {
    stop = true;
    for (BatchControl c : submittedControls()) {
      c.cancel();
    }
  }

  /** The handles of the loops submitted so far, copied under the lock. */
  private BatchControl[] submittedControls() {
    lock.lock();
    try {
      return Arrays.copyOf(controls, submitted);
    } finally {
      lock.unlock();
    }
  }

  /** Once the list is done, loops still waiting in the queue have nothing to do: withdraw them. */
  private void withdrawUnclaimed() {
    for (BatchControl c : submittedControls()) {
      if (c instanceof Job job) {
        job.withdraw();
      }
    }
  }

  /**
   * How many result slots hold what {@code check} accepts, for the jcstress test of the claims.
   * Call only after every loop has ended.
   */
  int resultsMatching(BiPredicate<Integer, Object> check) {
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (check.test(i, out[i])) {
        count++;
      }
    }
    return count;
  }

  @SuppressWarnings("unchecked")
  private <E> List<E> results() {
    // Everything below was written before the loops ended, which this thread saw under lock.
    if (failure != null) {
      throw failure;
    }
    int claimed = Math.min(n, Math.max(0, cursor.get()));
    BitSet notRun = null;
    if (claimed < n || !unrun.isEmpty()) {
      notRun = new BitSet(n);
      notRun.set(claimed, n);
      for (int[] r : unrun) {
        notRun.set(r[0], r[1]);
      }
    }
    if (!collect) {
      if (notRun != null) {
        throw new CancellationException(
            "task #"
                + notRun.nextSetBit(0)
                + " was cancelled before it finished (the pool was shut down)");
      }
      return (List<E>) Collections.unmodifiableList(Arrays.asList(out));
    }
    Throwable[] e = errors.get();
    Object[] outcomes = new Object[n];
    for (int i = 0; i < n; i++) {
      T input = list.get(i);
      if (notRun != null && notRun.get(i)) {
        outcomes[i] = new Outcome.Cancelled<T, R>(i, input);
      } else if (e != null && e[i] != null) {
        outcomes[i] = new Outcome.Failure<T, R>(i, input, e[i]);
      } else {
        outcomes[i] = new Outcome.Success<T, R>(i, input, (R) out[i]);
      }
    }
    return (List<E>) Collections.unmodifiableList(Arrays.asList(outcomes));
  }
}
