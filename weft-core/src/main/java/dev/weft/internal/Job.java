package dev.weft.internal;

import dev.weft.spi.Batch;
import dev.weft.spi.BatchCallback;
import dev.weft.spi.BatchControl;
import dev.weft.spi.BatchResult;
import dev.weft.spi.BatchRunner;
import dev.weft.spi.WorkerRecorder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One accepted batch inside an in-JVM engine, with the hand-off between the worker that runs it and
 * whoever cancels it.
 *
 * <p>Implementation note. States: NEW -> RUNNING -> DONE on the normal path; NEW -> CANCELLED when
 * cancelled before a worker claims it (the canceller reports the result); RUNNING -> INTERRUPTING
 * -> INTERRUPTED when cancelled while running (the worker reports the result). Every transition out
 * of NEW and out of RUNNING is a CAS, so exactly one party reports, and the callback runs exactly
 * once. The canceller moves RUNNING to INTERRUPTING and interrupts while holding the job's monitor;
 * a worker whose RUNNING to DONE move failed takes the same monitor before it clears its interrupt
 * status, so a cancel interrupt never leaks into the next batch the same thread runs, and nobody
 * spins. This protocol is checked by the jcstress tests in weft-jcstress.
 */
public final class Job implements BatchControl {
  static final int NEW = 0;
  static final int RUNNING = 1;
  static final int DONE = 2;
  static final int CANCELLED = 3;
  static final int INTERRUPTING = 4;
  static final int INTERRUPTED = 5;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Job.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Batch<?, ?> batch;
  private final BatchCallback callback;
  private final Runnable onFinish;

  @SuppressWarnings("unused") // accessed through STATE
  private volatile int state;

  private volatile Thread runner;
  private volatile boolean stopRequested;

  /**
   * Creates a job.
   *
   * @param batch the batch
   * @param callback told the result exactly once
   * @param onFinish run once after the callback, for the engine's bookkeeping
   */
  public Job(Batch<?, ?> batch, BatchCallback callback, Runnable onFinish) {
    this.batch = batch;
    this.callback = callback;
    this.onFinish = onFinish;
  }

  /**
   * The batch.
   *
   * @return the batch this job runs
   */
  public Batch<?, ?> batch() {
    return batch;
  }

  /**
   * Runs the batch on the current thread, unless it was cancelled first.
   *
   * @param recorder where the time goes
   * @return false if the job had been cancelled and did not run
   */
  public boolean runOn(WorkerRecorder recorder) {
    runner = Thread.currentThread();
    if (!STATE.compareAndSet(this, NEW, RUNNING)) {
      runner = null;
      return false;
    }
    BatchResult result = null;
    try {
      result = BatchRunner.run(batch, () -> stopRequested);
    } finally {
      if (!STATE.compareAndSet(this, RUNNING, DONE)) {
        // A canceller moved RUNNING -> INTERRUPTING while holding this job's monitor, and holds
        // it until its interrupt has landed: taking the monitor waits for that, blocking rather
        // than spinning, so a virtual canceller is never starved of a carrier by this worker.
        synchronized (this) {
          assert (int) STATE.getVolatile(this) == INTERRUPTED;
        }
      }
      runner = null;
      // Whatever the task or a canceller left on this thread must not reach the next batch.
      Thread.interrupted();
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
      finish(result);
    }
    return true;
  }

  @Override
  public void cancel() {
    stopRequested = true;
    if (STATE.compareAndSet(this, NEW, CANCELLED)) {
      finish(BatchResult.cancelled(batch));
      return;
    }
    synchronized (this) {
      if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
        try {
          Thread t = runner;
          if (t != null) {
            t.interrupt();
          }
        } finally {
          STATE.setVolatile(this, INTERRUPTED);
        }
      }
    }
  }

  /**
   * Whether this job was claimed by a worker or cancelled.
   *
   * @return false while it waits in a queue
   */
  public boolean isStarted() {
    return (int) STATE.getVolatile(this) != NEW;
  }

  /**
   * The current state, for tests.
   *
   * @return one of the state constants
   */
  int state() {
    return (int) STATE.getVolatile(this);
  }

  private void finish(BatchResult result) {
    try {
      callback.completed(result);
    } finally {
      onFinish.run();
    }
  }
}
