package dev.weft.internal;

import dev.weft.spi.Batch;
import dev.weft.spi.BatchCallback;
import dev.weft.spi.BatchControl;
import dev.weft.spi.BatchResult;
import dev.weft.spi.BatchRunner;
import dev.weft.spi.WorkLoop;
import dev.weft.spi.WorkerRecorder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * One accepted batch (or {@link WorkLoop}) inside an in-JVM engine, with the hand-off between the
 * worker that runs it and whoever cancels it.
 *
 * <p>Implementation note. States: NEW -> RUNNING -> DONE on the normal path; NEW -> CANCELLED when
 * cancelled before a worker claims it (the canceller reports the result); RUNNING -> INTERRUPTING
 * -> INTERRUPTED when cancelled while running (the worker reports the result). Every transition out
 * of NEW and out of RUNNING is a CAS, so exactly one party reports, and the callback runs exactly
 * once. The canceller moves RUNNING to INTERRUPTING and interrupts while holding the job's monitor;
 * a worker whose RUNNING to DONE move failed takes the same monitor before it clears its interrupt
 * status, so a cancel interrupt never leaks into the next batch the same thread runs, and nobody
 * spins. This protocol is checked by the jcstress tests in weft-jcstress.
 *
 * <p>A job may be claimed by two parties: the engine's worker that dequeues it and, for nested use
 * of a pool, a worker of the same engine that waits for it and runs it inline ({@link #runInline}).
 * The claim is the CAS out of NEW, so exactly one of them runs it; {@code runner} is written only
 * by the winner, after its CAS, so a loser cannot hide the winner from a canceller. A canceller
 * that finds {@code runner} still null has already set {@code stopRequested}, which the winner
 * reads after publishing {@code runner}: either the interrupt or the flag reaches it (both are
 * volatile).
 */
public final class Job implements BatchControl, BooleanSupplier {
  static final int NEW = 0;
  static final int RUNNING = 1;
  static final int DONE = 2;
  static final int CANCELLED = 3;
  static final int INTERRUPTING = 4;
  static final int INTERRUPTED = 5;

  /** The job the current thread is running, innermost first; null on a thread that runs none. */
  private static final ThreadLocal<Job> CURRENT = new ThreadLocal<>();

  private final Batch<?, ?> batch;
  private final BatchCallback callback;
  private final WorkLoop loop;
  private final Object owner;

  // An AtomicInteger rather than a VarHandle: a pool's creation (which makes a stop marker) need
  // not pay the VarHandle machinery's first-use cost, about a millisecond.
  private final AtomicInteger state = new AtomicInteger(NEW);

  private volatile Thread runner;
  private volatile boolean stopRequested;

  /**
   * Creates a job.
   *
   * @param batch the batch
   * @param callback told the result exactly once
   * @param owner the engine that accepted the job: only its own workers may run it inline
   */
  public Job(Batch<?, ?> batch, BatchCallback callback, Object owner) {
    this.batch = batch;
    this.callback = callback;
    this.loop = null;
    this.owner = owner;
  }

  /**
   * Creates a job that runs a work loop instead of a batch: the same claim, cancel and interrupt
   * protocol, with {@link WorkLoop#ended} in place of the callback.
   *
   * @param loop the loop
   * @param owner the engine that accepted the job
   */
  public Job(WorkLoop loop, Object owner) {
    this.batch = null;
    this.callback = null;
    this.loop = loop;
    this.owner = owner;
  }

  /**
   * Whether the current thread is running a job of the given engine, so that waiting there for
   * other work of that engine could wait for itself.
   *
   * @param owner an engine
   * @return true on a thread inside one of that engine's jobs
   */
  public static boolean isWorkerOf(Object owner) {
    Job current = CURRENT.get();
    return current != null && current.owner == owner;
  }

  /**
   * The stop flag of the job the current thread is running, for work that runs inline inside it.
   *
   * @return a signal that turns true when that job is cancelled; always false outside a job
   */
  static BooleanSupplier currentStopSignal() {
    Job current = CURRENT.get();
    return current == null ? NEVER : current;
  }

  private static final BooleanSupplier NEVER =
      new BooleanSupplier() {
        @Override
        public boolean getAsBoolean() {
          return false;
        }
      };

  /**
   * Whether this job has been asked to stop: the signal its batch or loop checks between tasks.
   *
   * @return true once cancelled
   */
  @Override
  public boolean getAsBoolean() {
    return stopRequested;
  }

  /**
   * Runs the batch on the current thread, unless it was cancelled or claimed first.
   *
   * @param recorder where the time goes
   * @return false if the job had been cancelled or claimed and did not run here
   */
  public boolean runOn(WorkerRecorder recorder) {
    return run(recorder, null);
  }

  /**
   * Runs the batch here, on a thread that waits for it from inside another job of the same engine
   * (nested use of a pool), if no worker has claimed it yet. The waiting thread does the work it
   * would otherwise wait for, as a ForkJoin worker helps, so nested calls cannot deadlock however
   * many workers are waiting. An interrupt meant for the enclosing job survives the inline run.
   *
   * @return true if the batch ran here (its callback has been called), false if it was claimed or
   *     cancelled already, or the current thread is not inside a job of this job's engine
   */
  public boolean runInline() {
    Job outer = CURRENT.get();
    if (outer == null || outer.owner != owner || state.get() != NEW) {
      return false;
    }
    return run(WorkerRecorder.NONE, outer);
  }

  private boolean run(WorkerRecorder recorder, Job outer) {
    if (!state.compareAndSet(NEW, RUNNING)) {
      return false;
    }
    Thread me = Thread.currentThread();
    runner = me;
    Job previous = CURRENT.get();
    CURRENT.set(this);
    BatchResult result = null;
    try {
      if (loop != null) {
        loop.run(this, recorder);
      } else {
        result = BatchRunner.run(batch, this);
      }
    } finally {
      CURRENT.set(previous);
      if (!state.compareAndSet(RUNNING, DONE)) {
        // A canceller moved RUNNING -> INTERRUPTING while holding this job's monitor, and holds
        // it until its interrupt has landed: taking the monitor waits for that, blocking rather
        // than spinning, so a virtual canceller is never starved of a carrier by this worker.
        synchronized (this) {
          assert state.get() == INTERRUPTED;
        }
      }
      runner = null;
      // Whatever the task or a canceller left on this thread must not reach the next batch; but
      // a cancel of the job this one ran inside must still reach that job's task.
      Thread.interrupted();
      if (outer != null && outer.stopRequested) {
        me.interrupt();
      }
      if (loop != null) {
        loop.ended(true);
        return true; // the loop reported its own pieces to the recorder
      }
      if (result == null) {
        result = BatchResult.cancelled(batch);
      }
      int failed = 0;
      if (result.hasFailure()) {
        for (int i = 0; i < result.attempted(); i++) {
          if (result.error(i) != null) {
            failed++;
          }
        }
      }
      recorder.batch(result.attempted(), failed, result.startNanos(), result.endNanos());
      callback.completed(result);
    }
    return true;
  }

  @Override
  public void cancel() {
    stopRequested = true;
    if (withdraw()) {
      return;
    }
    synchronized (this) {
      if (state.compareAndSet(RUNNING, INTERRUPTING)) {
        try {
          Thread t = runner;
          if (t != null) {
            t.interrupt();
          }
        } finally {
          state.set(INTERRUPTED);
        }
      }
    }
  }

  /**
   * Cancels the job only if no worker has claimed it yet; a running job is left alone.
   *
   * @return true if the job was withdrawn (its callback, or its loop's {@code ended(false)}, has
   *     been called), false if it had been claimed or cancelled already
   */
  public boolean withdraw() {
    if (!state.compareAndSet(NEW, CANCELLED)) {
      return false;
    }
    if (loop != null) {
      loop.ended(false);
    } else {
      callback.completed(BatchResult.cancelled(batch));
    }
    return true;
  }

  /**
   * The current state, for tests.
   *
   * @return one of the state constants
   */
  int state() {
    return state.get();
  }
}
