package dev.weft.scope;

import dev.weft.Results;
import dev.weft.TaskCallable;
import dev.weft.spi.BatchRunner;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * A structured task group on virtual threads: subtasks are forked inside a try-with-resources block
 * and none outlives it.
 *
 * {@snippet :
 * try (Scope scope = Scope.open()) {
 *   Subtask<User> user = scope.fork(() -> fetchUser(id));
 *   Subtask<List<Order>> orders = scope.fork(() -> fetchOrders(id));
 *   scope.join();                      // the first failure cancels the other and is thrown
 *   return new Page(user.get(), orders.get());
 * }
 * }
 *
 * <ul>
 *   <li><b>Fail-fast</b> ({@link #open()}): the first subtask to fail cancels (interrupts) the
 *       others; {@link #join()} throws {@link ScopeFailedException} with that failure as the cause
 *       and the failures of subtasks that failed before they stopped as suppressed exceptions.
 *   <li><b>Supervised</b> ({@link #supervised()}): failures do not stop the others; {@link #join()}
 *       returns when all are done, and each {@link Subtask} holds its own outcome.
 *   <li><b>Deadline</b>: {@code Scope.open(c -> c.withDeadline(Duration.ofSeconds(2)))}; when it
 *       passes, unfinished subtasks are interrupted, and {@code join} throws {@link
 *       DeadlineExceededException} once they have stopped.
 *   <li><b>No leaks</b>: {@link #close()} interrupts whatever still runs and waits until every
 *       subtask's thread has finished, so no subtask outlives the block.
 * </ul>
 *
 * <p>Thread-safety: {@code fork} may be called from any thread, including subtasks; {@code join}
 * and {@code close} by any thread, usually the one that opened the scope. {@code join} blocks and
 * is interruptible (an interrupted {@code join} cancels the subtasks and throws {@link
 * InterruptedException}); {@code close} waits for the subtasks' threads even when interrupted, and
 * keeps the interrupt status. Memory consistency: actions before {@code fork} happen before the
 * subtask runs; a subtask's actions happen before {@code join} returns.
 *
 * <p>This is built on plain virtual threads so it needs no preview features; it follows the model
 * of the JDK's {@code StructuredTaskScope}.
 */
public final class Scope implements AutoCloseable {
  private static final AtomicInteger SCOPE_IDS = new AtomicInteger();

  /**
   * A scope's settings.
   *
   * @param name the scope's name, used in thread names and error messages
   * @param deadline how long the scope may run from {@code open}, or null for no deadline
   */
  public record Config(String name, Duration deadline) {
    /** Checks the values. */
    public Config {
      Objects.requireNonNull(name, "name");
      if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
        throw new IllegalArgumentException("deadline must be positive: " + deadline);
      }
    }

    /**
     * With a deadline.
     *
     * @param deadline how long the scope may run from {@code open}
     * @return the new settings
     */
    public Config withDeadline(Duration deadline) {
      return new Config(name, deadline);
    }

    /**
     * With a name.
     *
     * @param name the name
     * @return the new settings
     */
    public Config withName(String name) {
      return new Config(name, deadline);
    }
  }

  private final boolean failFast;
  private final Config config;
  private final long deadlineNanos;
  private final ThreadFactory threads;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<Subtask<?>> subtasks = new ArrayList<>();
  private final ArrayDeque<Subtask<?>> completed = new ArrayDeque<>();
  private final List<Thread> started = new ArrayList<>();
  private int running;
  private Throwable firstFailure;
  private final List<Throwable> laterFailures = new ArrayList<>();
  private boolean cancelled;
  private boolean closed;

  private Scope(boolean failFast, Config config) {
    this.failFast = failFast;
    this.config = config;
    this.deadlineNanos =
        config.deadline() == null
            ? Long.MAX_VALUE
            : System.nanoTime() + config.deadline().toNanos();
    this.threads = Thread.ofVirtual().name("weft-scope-" + config.name() + "-", 0).factory();
  }

  private static Config defaults() {
    return new Config("s" + SCOPE_IDS.incrementAndGet(), null);
  }

  /**
   * A fail-fast scope.
   *
   * @return the scope; close it
   */
  public static Scope open() {
    return new Scope(true, defaults());
  }

  /**
   * A fail-fast scope with settings.
   *
   * @param configure changes to the default settings
   * @return the scope; close it
   */
  public static Scope open(UnaryOperator<Config> configure) {
    return new Scope(true, configure.apply(defaults()));
  }

  /**
   * A supervised scope: failures are kept in the subtasks and do not cancel the others.
   *
   * @return the scope; close it
   */
  public static Scope supervised() {
    return new Scope(false, defaults());
  }

  /**
   * A supervised scope with settings.
   *
   * @param configure changes to the default settings
   * @return the scope; close it
   */
  public static Scope supervised(UnaryOperator<Config> configure) {
    return new Scope(false, configure.apply(defaults()));
  }

  /**
   * Starts a subtask on a new virtual thread. In a fail-fast scope that has already failed (or a
   * scope past its deadline) the subtask is not started and is {@link Subtask.State#CANCELLED}.
   *
   * @param task the subtask
   * @param <T> its result type
   * @return a handle to its outcome
   * @throws IllegalStateException if the scope is closed
   */
  public <T> Subtask<T> fork(TaskCallable<? extends T> task) {
    Objects.requireNonNull(task, "task");
    Subtask<T> subtask;
    Thread thread;
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("scope '" + config.name() + "' is closed");
      }
      subtask = new Subtask<>(subtasks.size());
      subtasks.add(subtask);
      if (cancelled || System.nanoTime() - deadlineNanos >= 0) {
        subtask.cancelled();
        completed.add(subtask);
        changed.signalAll();
        return subtask;
      }
      thread = threads.newThread(() -> run(subtask, task));
      subtask.started(thread);
      started.add(thread);
      running++;
    } finally {
      lock.unlock();
    }
    thread.start();
    return subtask;
  }

  private <T> void run(Subtask<T> subtask, TaskCallable<? extends T> task) {
    Throwable failure = null;
    try {
      subtask.succeed(task.call());
    } catch (Throwable t) {
      failure = t;
    }
    List<Subtask<?>> toCancel = null;
    lock.lock();
    try {
      if (failure != null) {
        if (cancelled && BatchRunner.isInterruption(failure)) {
          subtask.cancelled();
        } else {
          subtask.fail(failure);
          if (failFast) {
            if (firstFailure == null) {
              firstFailure = failure;
              toCancel = cancelLocked();
            } else {
              laterFailures.add(failure);
            }
          }
        }
      }
      running--;
      completed.add(subtask);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (toCancel != null) {
      toCancel.forEach(Subtask::interrupt);
    }
  }

  /** Marks the scope cancelled and returns the subtasks to interrupt (outside the lock). */
  private List<Subtask<?>> cancelLocked() {
    cancelled = true;
    List<Subtask<?>> live = new ArrayList<>();
    for (Subtask<?> s : subtasks) {
      if (s.state() == Subtask.State.RUNNING) {
        live.add(s);
      }
    }
    return live;
  }

  private void cancelAll() {
    List<Subtask<?>> toCancel;
    lock.lock();
    try {
      toCancel = cancelLocked();
    } finally {
      lock.unlock();
    }
    toCancel.forEach(Subtask::interrupt);
  }

  /**
   * Waits until every forked subtask has finished (in a fail-fast scope: or the first has failed
   * and the others have stopped).
   *
   * @throws InterruptedException if interrupted; the subtasks are cancelled first
   * @throws ScopeFailedException in a fail-fast scope whose subtask failed
   * @throws DeadlineExceededException if the deadline passed; unfinished subtasks were cancelled
   */
  public void join() throws InterruptedException {
    int unfinishedAtDeadline;
    try {
      unfinishedAtDeadline = awaitDoneOrDeadline();
    } catch (InterruptedException e) {
      cancelAll();
      awaitAllStopped();
      throw e;
    }
    if (unfinishedAtDeadline > 0) {
      cancelAll();
      awaitAllStopped();
      throw new DeadlineExceededException(config.name(), config.deadline(), unfinishedAtDeadline);
    }
    lock.lock();
    try {
      if (failFast && firstFailure != null) {
        ScopeFailedException e =
            new ScopeFailedException(
                "a subtask of scope '" + config.name() + "' failed: " + firstFailure, firstFailure);
        laterFailures.forEach(e::addSuppressed);
        throw e;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits until nothing runs (0) or the deadline passes (the number still running). */
  private int awaitDoneOrDeadline() throws InterruptedException {
    lock.lock();
    try {
      while (running > 0) {
        if (deadlineNanos == Long.MAX_VALUE) {
          changed.await();
          continue;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return running;
        }
        changed.awaitNanos(left);
      }
      return 0;
    } finally {
      lock.unlock();
    }
  }

  /** Waits, ignoring interrupts but keeping them, until no subtask runs. */
  private void awaitAllStopped() {
    boolean interrupted = false;
    lock.lock();
    try {
      while (running > 0) {
        try {
          changed.await();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      lock.unlock();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Cancels (interrupts) whatever still runs and waits until every subtask's thread has ended.
   * Idempotent.
   */
  @Override
  public void close() {
    List<Thread> all;
    lock.lock();
    try {
      closed = true;
      all = new ArrayList<>(started);
    } finally {
      lock.unlock();
    }
    cancelAll();
    awaitAllStopped();
    boolean interrupted = false;
    for (Thread t : all) {
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The scope's subtasks as they finish, in completion order, blocking while none is ready. Ends
   * when every subtask forked so far has been returned. One consumer at a time.
   *
   * @return a blocking iterable
   */
  public Iterable<Subtask<?>> completions() {
    return () ->
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            lock.lock();
            try {
              while (completed.isEmpty() && running > 0) {
                try {
                  changed.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  CancellationException c = new CancellationException("interrupted");
                  c.initCause(e);
                  throw c;
                }
              }
              return !completed.isEmpty();
            } finally {
              lock.unlock();
            }
          }

          @Override
          public Subtask<?> next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            lock.lock();
            try {
              return completed.poll();
            } finally {
              lock.unlock();
            }
          }
        };
  }

  /**
   * The scope's name.
   *
   * @return the name given in its settings, or a generated one
   */
  public String name() {
    return config.name();
  }

  // ---------------------------------------------------------------- helpers built on Scope

  /**
   * Runs the tasks and streams them as they complete (the {@code as_completed} pattern). Each
   * {@link Subtask} says its {@linkplain Subtask#index() position} and holds its value or failure;
   * failures do not stop the others. Closing the results early cancels the unfinished tasks and
   * waits for them to stop.
   *
   * @param tasks the tasks
   * @param <T> the result type
   * @return the finished subtasks in completion order
   */
  public static <T> Results<Subtask<T>> asCompleted(
      Collection<? extends TaskCallable<? extends T>> tasks) {
    Scope scope = supervised();
    for (TaskCallable<? extends T> t : tasks) {
      scope.fork(t);
    }
    return new ScopeResults<>(scope, tasks.size());
  }

  /**
   * Waits for futures that already exist and yields them as they complete. Closing the results
   * early stops the waiting (the futures themselves are not cancelled).
   *
   * @param futures the futures
   * @param <T> the result type
   * @return the futures in completion order
   */
  public static <T> Results<Future<T>> asCompletedFutures(Collection<? extends Future<T>> futures) {
    List<TaskCallable<Future<T>>> waits = new ArrayList<>();
    for (Future<T> f : futures) {
      waits.add(() -> {
        try {
          f.get();
        } catch (ExecutionException | CancellationException e) {
          // The future's own outcome is for the caller to read; it completed either way.
        }
        return f;
      });
    }
    Results<Subtask<Future<T>>> done = asCompleted(waits);
    return new MappedResults<>(done);
  }

  /**
   * Runs the tasks at once and returns the first successful result; the rest are cancelled. If
   * every task fails, throws {@link ScopeFailedException} with the first failure as the cause and
   * the others suppressed.
   *
   * @param tasks the competitors, at least one
   * @param <T> the result type
   * @return the winner's result
   * @throws InterruptedException if interrupted; all tasks are cancelled
   */
  public static <T> T race(List<? extends TaskCallable<? extends T>> tasks)
      throws InterruptedException {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("race needs at least one task");
    }
    try (Scope scope = supervised(c -> c.withName("race" + SCOPE_IDS.incrementAndGet()))) {
      for (TaskCallable<? extends T> t : tasks) {
        scope.fork(t);
      }
      ScopeFailedException all = null;
      for (Subtask<?> s : scope.completions()) {
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted in race");
        }
        if (s.state() == Subtask.State.SUCCEEDED) {
          @SuppressWarnings("unchecked")
          T winner = (T) s.get();
          return winner;
        }
        if (s.state() == Subtask.State.FAILED) {
          if (all == null) {
            all = new ScopeFailedException("every task of the race failed", s.exception());
          } else {
            all.addSuppressed(s.exception());
          }
        }
      }
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted in race");
      }
      throw all;
    }
  }

  /**
   * Runs all the tasks, at most {@code maxConcurrency} at a time, and returns their results in task
   * order. Fail-fast: the first failure stops the forking, cancels the running tasks and is thrown
   * as {@link ScopeFailedException}.
   *
   * @param maxConcurrency how many tasks run at once at most
   * @param tasks the tasks
   * @param <T> the result type
   * @return the results in task order
   * @throws InterruptedException if interrupted; the running tasks are cancelled
   */
  public static <T> List<T> par(int maxConcurrency, List<? extends TaskCallable<? extends T>> tasks)
      throws InterruptedException {
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException("maxConcurrency must be at least 1: " + maxConcurrency);
    }
    Semaphore permits = new Semaphore(maxConcurrency);
    List<Subtask<T>> subtasks = new ArrayList<>(tasks.size());
    try (Scope scope = open(c -> c.withName("par" + SCOPE_IDS.incrementAndGet()))) {
      for (TaskCallable<? extends T> t : tasks) {
        permits.acquire();
        subtasks.add(
            scope.fork(() -> {
              try {
                return t.call();
              } finally {
                permits.release();
              }
            }));
        if (scope.hasFailed()) {
          break;
        }
      }
      scope.join();
    }
    List<T> results = new ArrayList<>(subtasks.size());
    for (Subtask<T> s : subtasks) {
      results.add(s.get());
    }
    return results;
  }

  private boolean hasFailed() {
    lock.lock();
    try {
      return firstFailure != null;
    } finally {
      lock.unlock();
    }
  }

  /** {@link Results} over a supervised scope's completions; closing closes the scope. */
  private static final class ScopeResults<T> implements Results<Subtask<T>> {
    private final Scope scope;
    private final int expected;
    private boolean iterated;

    ScopeResults(Scope scope, int expected) {
      this.scope = scope;
      this.expected = expected;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Iterator<Subtask<T>> iterator() {
      if (iterated) {
        throw new IllegalStateException("results can be iterated only once");
      }
      iterated = true;
      Iterator<Subtask<?>> it = scope.completions().iterator();
      return new Iterator<>() {
        private int seen;

        @Override
        public boolean hasNext() {
          return seen < expected && it.hasNext();
        }

        @Override
        public Subtask<T> next() {
          seen++;
          return (Subtask<T>) it.next();
        }
      };
    }

    @Override
    public void close() {
      scope.close();
    }
  }

  /** Subtasks of future-waits, seen as the futures. */
  private static final class MappedResults<T> implements Results<Future<T>> {
    private final Results<Subtask<Future<T>>> inner;

    MappedResults(Results<Subtask<Future<T>>> inner) {
      this.inner = inner;
    }

    @Override
    public Iterator<Future<T>> iterator() {
      Iterator<Subtask<Future<T>>> it = inner.iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Future<T> next() {
          return it.next().get();
        }
      };
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
