package dev.weft.internal;

import dev.weft.TaskFunction;
import dev.weft.policy.TaskTimeoutException;
import dev.weft.spi.Batch;
import dev.weft.spi.BatchCallback;
import dev.weft.spi.BatchControl;
import dev.weft.spi.BatchResult;
import dev.weft.spi.BatchRunner;
import dev.weft.spi.TaskDeadline;
import dev.weft.spi.WorkLoop;
import dev.weft.spi.WorkerRecorder;
import java.util.List;
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
  private final Deadlines deadlines;
  private final Replacer replacer;

  // A timed batch's state, shared with the deadline watchdog under watchLock (see runTimed).
  private final Object watchLock = new Object();
  private int taskIndex = -1;
  private long taskStart;
  private int firedIndex = -1;
  private long firedAt;
  private boolean inline;
  private Object[] timedValues;
  private Throwable[] timedErrors;
  private long timedStart;
  private volatile boolean abandoned;
  private volatile Job successor;

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
    this(batch, callback, owner, null, null);
  }

  /**
   * Creates a job whose batch may carry a deadline, which {@code deadlines} enforces.
   *
   * @param batch the batch
   * @param callback told the result exactly once
   * @param owner the engine that accepted the job
   * @param deadlines the engine's watchdog, or null if the engine times nothing
   * @param replacer how the engine replaces a worker stuck in a task it gave up on, or null
   */
  Job(
      Batch<?, ?> batch,
      BatchCallback callback,
      Object owner,
      Deadlines deadlines,
      Replacer replacer) {
    this.batch = batch;
    this.callback = callback;
    this.loop = null;
    this.owner = owner;
    this.deadlines = deadlines;
    this.replacer = replacer;
  }

  /**
   * How an engine carries on when a task ignored its deadline's interrupt past the grace period:
   * the job's thread is stuck in that task, so the engine gives the job's work to a new thread.
   */
  interface Replacer {
    /**
     * Called once, from the watchdog, after the job was given up on.
     *
     * @param abandoned the job whose thread is stuck (its result has been, or will be, reported
     *     through {@code remainder})
     * @param remainder a job with the batch's inputs after the stuck one, to run on the new thread
     *     before anything else, or null if none is left to run
     */
    void replace(Job abandoned, Job remainder);
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
    this.deadlines = null;
    this.replacer = null;
  }

  /**
   * Whether the engine gave up on this job's thread, stuck in a task past its deadline and grace:
   * its result was reported without it, and the thread should leave the engine when it returns.
   *
   * @return true once given up on
   */
  boolean wasAbandoned() {
    return abandoned;
  }

  TaskDeadline deadline() {
    return batch.deadline();
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
        result =
            deadlines != null && batch.deadline().isSet()
                ? runTimed(outer != null)
                : BatchRunner.run(batch, this);
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
      if (abandoned) {
        return true; // reported when it was given up on
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
    Job next = successor;
    if (next != null) {
      next.cancel();
    }
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
   * Runs a batch whose tasks have a deadline. Before each task the worker notes, under {@code
   * watchLock}, which task runs and since when; the watchdog ({@link #checkDeadline}) interrupts a
   * task past its time under the same lock, so the interrupt lands in that task and is cleared when
   * it ends, never in the next one. A task that stops fails with a timeout and the batch goes on. A
   * task still running after the grace period is given up on: the watchdog reports the batch
   * without waiting for it, and the thread, once the task returns, finds {@code abandoned} and
   * reports nothing.
   *
   * @return the result, or null if the job was given up on meanwhile
   */
  @SuppressWarnings("unchecked")
  private BatchResult runTimed(boolean runsInline) {
    List<Object> inputs = (List<Object>) batch.inputs();
    TaskFunction<Object, Object> function = (TaskFunction<Object, Object>) batch.function();
    int n = inputs.size();
    Object[] values = new Object[n];
    Throwable[] errors = new Throwable[n];
    boolean failed = false;
    long start = System.nanoTime();
    synchronized (watchLock) {
      timedValues = values;
      timedErrors = errors;
      timedStart = start;
      inline = runsInline;
    }
    deadlines.watch(this);
    int i = 0;
    try {
      for (; i < n; i++) {
        if (stopRequested) {
          break;
        }
        synchronized (watchLock) {
          taskIndex = i;
          taskStart = System.nanoTime();
        }
        Object value = null;
        Throwable thrown = null;
        try {
          value = function.apply(inputs.get(i));
        } catch (Throwable t) {
          thrown = t;
        }
        boolean timedOut;
        synchronized (watchLock) {
          if (abandoned) {
            return null;
          }
          taskIndex = -1;
          timedOut = firedIndex == i;
          if (timedOut) {
            Thread.interrupted(); // the deadline's interrupt, meant for this task only
          }
        }
        if (timedOut) {
          errors[i] = timeout(i, true);
        } else if (thrown == null) {
          values[i] = value;
          continue;
        } else if (stopRequested && BatchRunner.isInterruption(thrown)) {
          break;
        } else {
          errors[i] = thrown;
        }
        failed = true;
        if (batch.stopOnFailure()) {
          i++;
          break;
        }
      }
    } finally {
      deadlines.unwatch(this);
    }
    return new BatchResult(batch.id(), values, failed ? errors : null, i, start, System.nanoTime());
  }

  private TaskTimeoutException timeout(int i, boolean stopped) {
    TaskDeadline d = batch.deadline();
    String task = "task #" + (batch.firstIndex() + i);
    return TaskTimeoutException.enforced(
        task,
        d.timeout(),
        stopped
            ? "it was interrupted and stopped"
            : "it ignored the interrupt for "
                + d.grace().toMillis()
                + " ms more, so the pool gave up on it and replaced its thread (which runs on"
                + " until the task returns; its result is discarded)",
        stopped);
  }

  /**
   * The watchdog's look at this job: interrupts the running task if its time is up, and gives up on
   * it if it has not stopped within the grace period after that.
   *
   * @param now the watchdog's clock
   */
  void checkDeadline(long now) {
    TaskDeadline d = batch.deadline();
    Job remainder = null;
    BatchResult prefix;
    int stuck;
    synchronized (watchLock) {
      if (abandoned || taskIndex < 0) {
        return;
      }
      if (firedIndex != taskIndex) {
        if (now - taskStart >= d.timeoutNanos()) {
          firedIndex = taskIndex;
          firedAt = now;
          Thread t = runner;
          if (t != null) {
            t.interrupt();
          }
        }
        return;
      }
      if (now - firedAt < d.graceNanos() || inline) {
        // A batch run inline by a waiting caller is not given up on: that thread belongs to
        // another job, which the engine cannot replace.
        return;
      }
      abandoned = true;
      stuck = taskIndex;
      int n = batch.size();
      Object[] values = java.util.Arrays.copyOf(timedValues, n);
      Throwable[] errors = java.util.Arrays.copyOf(timedErrors, n);
      errors[stuck] = timeout(stuck, false);
      prefix = new BatchResult(batch.id(), values, errors, stuck + 1, timedStart, now);
    }
    deadlines.unwatch(this);
    if (stuck + 1 < batch.size() && !batch.stopOnFailure() && !stopRequested) {
      remainder = remainderAfter(prefix);
      successor = remainder;
      if (stopRequested) {
        remainder.cancel(); // cancelled meanwhile: the remainder reports itself cancelled
      }
    }
    if (replacer != null) {
      replacer.replace(this, remainder);
    }
    if (remainder == null) {
      callback.completed(prefix);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Job remainderAfter(BatchResult prefix) {
    int done = prefix.attempted();
    int n = batch.size();
    Batch rest =
        ((Batch) batch).withInputs(batch.firstIndex() + done, batch.inputs().subList(done, n));
    BatchCallback merge =
        new BatchCallback() {
          @Override
          public void completed(BatchResult tail) {
            Object[] values = prefix.values();
            Throwable[] errors = prefix.errors();
            System.arraycopy(tail.values(), 0, values, done, tail.size());
            for (int k = 0; k < tail.attempted(); k++) {
              Throwable e = tail.error(k);
              if (e != null) {
                errors[done + k] = e;
              }
            }
            callback.completed(
                new BatchResult(
                    batch.id(),
                    values,
                    errors,
                    done + tail.attempted(),
                    prefix.startNanos(),
                    Math.max(prefix.endNanos(), tail.endNanos())));
          }
        };
    return new Job(rest, merge, owner, deadlines, replacer);
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
