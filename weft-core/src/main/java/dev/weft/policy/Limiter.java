package dev.weft.policy;

import dev.weft.TaskCallable;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * At most {@code maxConcurrent} tasks run inside this limiter at once, across every thread that
 * uses the instance; the others wait their turn in arrival order (a bulkhead).
 *
 * {@snippet :
 * Limiter db = Limiter.of(4);                                   // at most 4 queries at once
 * try (Pool pool = Pool.io(1_000)) {
 *   pool.map(db.wrap(id -> query(id)), ids);                    // 1,000 virtual threads, 4 in the database
 * }
 * }
 *
 * <p>Waiting is FIFO-fair: a thread that starts waiting before another enters before it. By default
 * a task waits as long as it takes; with {@link #withMaxWait} it waits at most that long and is
 * then rejected with {@link RejectedExecutionException}, without running.
 *
 * <p>Thread-safety: thread-safe. {@code call} blocks while waiting for a place. Interrupts: a
 * thread interrupted while waiting throws {@link InterruptedException} and takes no place. The
 * configuration is immutable; {@link #withMaxWait} returns a new limiter with its own places.
 * Happens-before: the actions of a task that leaves the limiter happen before the start of the task
 * that takes its place.
 *
 * <p>Implementation note: a fair {@link Semaphore}, released in a {@code finally} so that a failing
 * task never leaks its place.
 */
public final class Limiter extends Policy {
  private static final long serialVersionUID = 1L;

  private final int maxConcurrent;
  private final Duration maxWait; // null: wait as long as it takes
  private final transient Semaphore places;

  private Limiter(int maxConcurrent, Duration maxWait) {
    this.maxConcurrent = maxConcurrent;
    this.maxWait = maxWait;
    this.places = new Semaphore(maxConcurrent, true);
  }

  /**
   * A limiter letting at most {@code maxConcurrent} tasks run at once.
   *
   * @param maxConcurrent the bound, at least 1
   * @return the limiter
   */
  public static Limiter of(int maxConcurrent) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
    }
    return new Limiter(maxConcurrent, null);
  }

  /**
   * A new limiter with the same bound whose tasks wait at most {@code maxWait} for a place and are
   * otherwise rejected with {@link RejectedExecutionException}. {@link Duration#ZERO} never waits.
   *
   * @param maxWait the longest wait for a place
   * @return the new limiter, with its own places
   */
  public Limiter withMaxWait(Duration maxWait) {
    return new Limiter(maxConcurrent, Durations.nonNegative(maxWait, "maxWait"));
  }

  /**
   * The bound.
   *
   * @return the most tasks inside at once
   */
  public int maxConcurrent() {
    return maxConcurrent;
  }

  /**
   * How many tasks are inside now; a snapshot, for monitoring.
   *
   * @return the number of tasks running
   */
  public int running() {
    return maxConcurrent - places.availablePermits();
  }

  /**
   * About how many threads are waiting for a place now; a snapshot, for monitoring.
   *
   * @return the number of waiting threads
   */
  public int waiting() {
    return places.getQueueLength();
  }

  @Override
  <R> R execute(Subject subject, TaskCallable<? extends R> task) throws Exception {
    if (maxWait == null) {
      places.acquire();
    } else if (!places.tryAcquire(Durations.toNanos(maxWait), TimeUnit.NANOSECONDS)) {
      throw new RejectedExecutionException(
          "limiter of "
              + maxConcurrent
              + " had no place for "
              + subject
              + " within "
              + Durations.format(maxWait));
    }
    try {
      return task.call();
    } finally {
      places.release();
    }
  }

  @Override
  public String toString() {
    return "Limiter[" + maxConcurrent + " at once]";
  }

  /**
   * Shipped to a worker process, a limiter becomes a new one of the same bound there: the bound
   * holds per worker process, not across them (a semaphore cannot be shared between JVMs).
   */
  private Object writeReplace() {
    return new Shipped(maxConcurrent, maxWait);
  }

  private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException("a Limiter is shipped through its Shipped form");
  }

  /** The serial form: the configuration, without the places. */
  private record Shipped(int maxConcurrent, Duration maxWait) implements java.io.Serializable {
    private Object readResolve() {
      return new Limiter(maxConcurrent, maxWait);
    }
  }
}
