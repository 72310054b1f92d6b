package dev.weft.policy;

import dev.weft.TaskCallable;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a task with a time limit that really stops it: if the task is not done in time, it is
 * interrupted, the timeout waits a short grace period for it to stop, and throws {@link
 * TaskTimeoutException} (a checked {@link java.util.concurrent.TimeoutException}) naming the task,
 * the limit, and whether the task stopped.
 *
 * {@snippet :
 * Timeout fiveSeconds = Timeout.of(Duration.ofSeconds(5));
 * String body = fiveSeconds.call("GET " + url, () -> http.get(url)); // TaskTimeoutException if slow
 * }
 *
 * <p>The task runs on a new virtual thread, which the calling thread joins with the limit. So the
 * task does not see the caller's thread-locals (inheritable ones excepted) or its locks, and it
 * must respond to interrupts to be stoppable: blocking JDK calls do, a busy loop must check {@link
 * Thread#isInterrupted()}. A task that ignores the interrupt keeps running after the exception is
 * thrown, and the message says so: the timeout never leaves a task running silently.
 *
 * <p>If the task finishes in time, its result is returned and what it throws is thrown unchanged.
 * Whichever comes first wins: a result that arrives after the limit expired is discarded.
 *
 * <p>Thread-safety: immutable; any number of threads may use one {@code Timeout}. The caller blocks
 * for at most the limit plus the grace period. Interrupts: if the calling thread is interrupted
 * while waiting, the task is interrupted too, the caller waits up to the grace period for it to
 * stop, and throws {@link InterruptedException}. Happens-before: actions of the calling thread
 * before {@code call} happen before the task starts, and the task's actions happen before {@code
 * call} returns its result or throws its exception.
 */
public final class Timeout extends Policy {
  private static final long serialVersionUID = 1L;
  private static final Duration DEFAULT_GRACE = Duration.ofMillis(250);

  private final Duration limit;
  private final Duration grace;

  private Timeout(Duration limit, Duration grace) {
    this.limit = limit;
    this.grace = grace;
  }

  /**
   * A timeout of {@code limit}, with a grace period of 250 ms for an interrupted task to stop.
   *
   * @param limit how long the task may run, positive
   * @return the timeout
   */
  public static Timeout of(Duration limit) {
    return new Timeout(Durations.positive(limit, "limit"), DEFAULT_GRACE);
  }

  /**
   * The same timeout with another grace period: how long to wait, after interrupting a task that
   * ran out of time, for it to stop before reporting that it did not.
   *
   * @param grace the grace period; zero does not wait
   * @return the new timeout
   */
  public Timeout withGracePeriod(Duration grace) {
    return new Timeout(limit, Durations.nonNegative(grace, "grace"));
  }

  /**
   * How long a task may run.
   *
   * @return the limit
   */
  public Duration limit() {
    return limit;
  }

  /**
   * How long an interrupted task is given to stop.
   *
   * @return the grace period
   */
  public Duration gracePeriod() {
    return grace;
  }

  @Override
  <R> R execute(Subject subject, TaskCallable<? extends R> task) throws Exception {
    if (Thread.interrupted()) {
      throw new InterruptedException(subject + " was not started: the caller is interrupted");
    }
    Run<R> run = new Run<>(task);
    Thread thread = Thread.ofVirtual().name("weft-timeout").start(run);
    boolean finished;
    try {
      finished = thread.join(limit);
    } catch (InterruptedException e) {
      if (!run.abandon()) {
        thread.join(); // it has finished and is about to terminate
      } else {
        thread.interrupt();
        boolean stopped = joinQuietly(thread, grace);
        e.addSuppressed(
            new InterruptedException(
                subject + (stopped ? " was interrupted and stopped" : " ignored the interrupt")));
      }
      throw e;
    }
    if (!finished && run.abandon()) {
      thread.interrupt();
      boolean stopped = joinQuietly(thread, grace);
      TaskTimeoutException timeout =
          new TaskTimeoutException(subject.toString(), limit, grace, stopped);
      if (stopped && run.failure != null) {
        timeout.addSuppressed(run.failure);
      }
      if (Thread.interrupted()) {
        InterruptedException e = new InterruptedException("interrupted while stopping " + subject);
        e.addSuppressed(timeout);
        throw e;
      }
      throw timeout;
    }
    thread.join(); // done: it set its outcome and is about to terminate
    return run.outcome();
  }

  /**
   * Waits up to {@code grace} for the thread to end. An interrupt ends the wait early but is kept
   * for the caller to see.
   */
  private static boolean joinQuietly(Thread thread, Duration grace) {
    try {
      return grace.isPositive() ? thread.join(grace) : !thread.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !thread.isAlive();
    }
  }

  @Override
  public String toString() {
    return "Timeout[" + Durations.format(limit) + ", grace " + Durations.format(grace) + "]";
  }

  /**
   * The task on its thread, and the race between its end and the limit: whoever moves {@code state}
   * from RUNNING first decides whether the outcome counts.
   */
  private static final class Run<R> implements Runnable {
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int ABANDONED = 2;

    private final TaskCallable<? extends R> task;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    // Written by the task's thread before it ends; read after joining it.
    private R value;
    private Throwable failure;

    Run(TaskCallable<? extends R> task) {
      this.task = task;
    }

    @Override
    public void run() {
      try {
        value = task.call();
      } catch (Throwable t) {
        failure = t;
      }
      state.compareAndSet(RUNNING, DONE);
    }

    /** Claims the race for the caller; false if the task finished first. */
    boolean abandon() {
      return state.compareAndSet(RUNNING, ABANDONED);
    }

    R outcome() throws Exception {
      if (failure == null) {
        return value;
      }
      if (failure instanceof Exception e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      throw new IllegalStateException(failure);
    }
  }
}
