package dev.weft.scope;

import dev.weft.Results;
import dev.weft.TaskCallable;
import dev.weft.policy.TimeSource;
import dev.weft.spi.BatchRunner;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
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
 *       passes, unfinished subtasks are interrupted, later forks are not started, and {@code join}
 *       throws {@link DeadlineExceededException} once the subtasks have stopped.
 *   <li><b>No leaks</b>: {@link #close()} interrupts whatever still runs and waits until every
 *       subtask's thread has finished, so no subtask outlives the block. A cancelled subtask that
 *       ignores its interrupt is waited for all the same, but never silently: after the {@linkplain
 *       Config#gracePeriod() grace period} it is reported, with the stack trace of where it is
 *       stuck, to the {@link System.Logger} named {@code dev.weft.scope.Scope} at {@code WARNING},
 *       and again with doubling intervals while it runs.
 *   <li><b>Long-lived scopes</b>: the scope keeps no subtask it is finished with. Once {@link
 *       #join()} has returned, a subtask the owner no longer references can be garbage-collected,
 *       so a server loop may fork and join in waves on one scope for as long as it likes.
 * </ul>
 *
 * <p>Thread-safety: {@code fork} may be called from any thread, including subtasks. The owner-only
 * methods {@link #join()}, {@link #close()} and iterating {@link #completions()} may be called by
 * any thread except the scope's own subtasks (and the subtasks of scopes nested in them): those
 * would wait for themselves, so they throw {@link IllegalStateException} at once. A scope opened
 * inside a subtask is a scope of its own and works as usual.
 *
 * <p>Blocking and interrupts: {@code join} blocks until the subtasks are done; if interrupted it
 * cancels the subtasks, waits for them to stop and throws {@link InterruptedException}. Iterating
 * {@link #completions()}, if interrupted, does the same but, as an iterator cannot throw a checked
 * exception, throws {@link CancellationException} (cause: the {@code InterruptedException}) with
 * the interrupt status set, as {@link Results} iteration does. {@code close} waits for the
 * subtasks' threads even when interrupted and keeps the interrupt status. Memory consistency:
 * actions before {@code fork} happen before the subtask runs; a subtask's actions happen before
 * {@code join} returns and before the completion iterator returns it.
 *
 * <p>This is built on plain virtual threads so it needs no preview features; it follows the model
 * of the JDK's {@code StructuredTaskScope}.
 */
public final class Scope implements AutoCloseable {
  /*
   * Implementation note. One lock guards the scope's state; subtasks start and end under it, so
   * `live` is exactly the set of subtasks whose outcome is not yet recorded, and the owner waits
   * on `changed` until it is empty. Finished subtasks are held only until someone is done with
   * them: `completed` until the completion iterator returns them or join() returns (join has
   * waited for them, the owner holds what it wants), and their threads in `ending` until they are
   * joined (by join or close) or seen dead (pruned by fork). Cancelling is a one-way switch,
   * recorded with its reason (the first failure, the deadline or the owner) so that join reports
   * what really ended the scope. Two helper threads, both joined by close: the deadline timer, which
   * sleeps on the scope's TimeSource and cancels at the deadline, and the watchdog, started when a
   * cancel leaves subtasks running, which reports those that ignore their interrupt.
   */
  private static final AtomicInteger SCOPE_IDS = new AtomicInteger();
  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
  private static final Duration MAX_REPORT_INTERVAL = Duration.ofMinutes(5);

  /** The scope whose subtask the current thread runs, to refuse owner-only calls from inside. */
  private static final ScopedValue<Scope> CURRENT = ScopedValue.newInstance();

  /**
   * A scope's settings.
   *
   * @param name the scope's name, used in thread names and error messages
   * @param deadline how long the scope may run from {@code open}, or null for no deadline
   * @param gracePeriod how long a cancelled subtask may keep running before it is reported as stuck
   *     (the scope keeps waiting for it); 5 seconds unless set
   * @param timeSource the clock of the deadline and the grace period; {@link TimeSource#system()}
   *     unless set (a fake one makes tests of both deterministic)
   */
  public record Config(
      String name, Duration deadline, Duration gracePeriod, TimeSource timeSource) {
    /** Checks the values. */
    public Config {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(gracePeriod, "gracePeriod");
      Objects.requireNonNull(timeSource, "timeSource");
      if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
        throw new IllegalArgumentException("deadline must be positive: " + deadline);
      }
      if (gracePeriod.isNegative() || gracePeriod.isZero()) {
        throw new IllegalArgumentException("gracePeriod must be positive: " + gracePeriod);
      }
    }

    /**
     * With a deadline.
     *
     * @param deadline how long the scope may run from {@code open}
     * @return the new settings
     */
    public Config withDeadline(Duration deadline) {
      return new Config(name, deadline, gracePeriod, timeSource);
    }

    /**
     * With a name.
     *
     * @param name the name
     * @return the new settings
     */
    public Config withName(String name) {
      return new Config(name, deadline, gracePeriod, timeSource);
    }

    /**
     * With another grace period: how long a cancelled subtask that ignores its interrupt may run
     * before it is reported (with its stack trace) as stuck.
     *
     * @param gracePeriod the grace period, positive
     * @return the new settings
     */
    public Config withGracePeriod(Duration gracePeriod) {
      return new Config(name, deadline, gracePeriod, timeSource);
    }

    /**
     * With another clock for the deadline and the grace period.
     *
     * @param timeSource the time source
     * @return the new settings
     */
    public Config withTimeSource(TimeSource timeSource) {
      return new Config(name, deadline, gracePeriod, timeSource);
    }
  }

  /** Where reports of stuck subtasks go; tests capture them. */
  @FunctionalInterface
  interface StuckReporter {
    void report(String message, Throwable whereStuck);

    StuckReporter LOG =
        (message, where) ->
            System.getLogger(Scope.class.getName())
                .log(System.Logger.Level.WARNING, message, where);
  }

  /** Why the scope was cancelled; the first reason sticks. */
  private enum Cancel {
    NONE,
    FAILURE,
    DEADLINE,
    OWNER
  }

  private final boolean failFast;
  private final Config config;
  private final TimeSource clock;
  private final long deadlineNanos;
  private final Scope parent;
  private final StuckReporter reporter;
  private final ThreadFactory threads;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Set<Subtask<?>> live = new HashSet<>();
  private final ArrayDeque<Subtask<?>> completed = new ArrayDeque<>();
  private final List<Thread> ending = new ArrayList<>();
  private int pruneEndingAt = 64;
  private int forked;
  private Throwable firstFailure;
  private final List<Throwable> laterFailures = new ArrayList<>();
  private Cancel cancel = Cancel.NONE;
  private int missedDeadline;
  private boolean closed;
  private final Thread deadlineTimer;
  private Thread watchdog;

  private Scope(boolean failFast, Config config, StuckReporter reporter) {
    this.failFast = failFast;
    this.config = config;
    this.clock = config.timeSource();
    this.reporter = reporter;
    this.parent = CURRENT.isBound() ? CURRENT.get() : null;
    this.threads = Thread.ofVirtual().name("weft-scope-" + config.name() + "-", 0).factory();
    if (config.deadline() == null) {
      this.deadlineNanos = 0;
      this.deadlineTimer = null;
    } else {
      this.deadlineNanos = clock.nanoTime() + config.deadline().toNanos();
      this.deadlineTimer =
          Thread.ofVirtual()
              .name("weft-scope-" + config.name() + "-deadline")
              .unstarted(this::timer);
      deadlineTimer.start();
    }
  }

  static Config defaults() {
    return new Config("s" + SCOPE_IDS.incrementAndGet(), null, DEFAULT_GRACE, TimeSource.system());
  }

  /** A scope whose stuck-subtask reports go to {@code reporter}: for tests. */
  static Scope create(boolean failFast, Config config, StuckReporter reporter) {
    return new Scope(failFast, config, reporter);
  }

  /**
   * A fail-fast scope.
   *
   * @return the scope; close it
   */
  public static Scope open() {
    return new Scope(true, defaults(), StuckReporter.LOG);
  }

  /**
   * A fail-fast scope with settings.
   *
   * @param configure changes to the default settings
   * @return the scope; close it
   */
  public static Scope open(UnaryOperator<Config> configure) {
    return new Scope(true, configure.apply(defaults()), StuckReporter.LOG);
  }

  /**
   * A supervised scope: failures are kept in the subtasks and do not cancel the others.
   *
   * @return the scope; close it
   */
  public static Scope supervised() {
    return new Scope(false, defaults(), StuckReporter.LOG);
  }

  /**
   * A supervised scope with settings.
   *
   * @param configure changes to the default settings
   * @return the scope; close it
   */
  public static Scope supervised(UnaryOperator<Config> configure) {
    return new Scope(false, configure.apply(defaults()), StuckReporter.LOG);
  }

  /**
   * Starts a subtask on a new virtual thread. In a scope that has been cancelled (a fail-fast scope
   * that failed, or one whose {@code join} was interrupted) or is past its deadline, the subtask is
   * not started and is {@link Subtask.State#CANCELLED}; a fork refused for the deadline makes
   * {@link #join()} throw {@link DeadlineExceededException}.
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
      subtask = new Subtask<>(forked++);
      boolean late = cancel == Cancel.DEADLINE || pastDeadline();
      if (cancel != Cancel.NONE || late) {
        subtask.cancelled();
        if (late) {
          missedDeadline++;
        }
        completed.add(subtask);
        changed.signalAll();
        return subtask;
      }
      if (ending.size() >= pruneEndingAt) {
        ending.removeIf(t -> !t.isAlive());
        pruneEndingAt = Math.max(64, 2 * ending.size());
      }
      thread =
          threads.newThread(() -> ScopedValue.where(CURRENT, this).run(() -> run(subtask, task)));
      subtask.started(thread);
      live.add(subtask);
    } finally {
      lock.unlock();
    }
    thread.start();
    return subtask;
  }

  private boolean pastDeadline() {
    return config.deadline() != null && clock.nanoTime() - deadlineNanos >= 0;
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
        if (cancel != Cancel.NONE && BatchRunner.isInterruption(failure)) {
          subtask.cancelled();
        } else {
          subtask.fail(failure);
          if (failFast) {
            if (firstFailure == null) {
              firstFailure = failure;
              toCancel = cancelLocked(Cancel.FAILURE);
            } else {
              laterFailures.add(failure);
            }
          }
        }
      }
      live.remove(subtask);
      subtask.finished();
      ending.add(Thread.currentThread());
      completed.add(subtask);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (toCancel != null) {
      toCancel.forEach(Subtask::interrupt);
    }
  }

  /**
   * Marks the scope cancelled (keeping the first reason), starts the watchdog if subtasks still
   * run, and returns them to interrupt (outside the lock).
   */
  private List<Subtask<?>> cancelLocked(Cancel reason) {
    if (cancel == Cancel.NONE) {
      cancel = reason;
    }
    List<Subtask<?>> running = new ArrayList<>(live);
    if (!running.isEmpty() && watchdog == null) {
      watchdog =
          Thread.ofVirtual()
              .name("weft-scope-" + config.name() + "-watchdog")
              .start(this::watchStuckSubtasks);
    }
    return running;
  }

  private void cancelAll(Cancel reason) {
    List<Subtask<?>> toCancel;
    lock.lock();
    try {
      toCancel = cancelLocked(reason);
    } finally {
      lock.unlock();
    }
    toCancel.forEach(Subtask::interrupt);
  }

  /** The deadline timer: sleeps on the scope's clock, then cancels what still runs. */
  private void timer() {
    try {
      long left;
      while ((left = deadlineNanos - clock.nanoTime()) > 0) {
        clock.sleep(Duration.ofNanos(left));
      }
    } catch (InterruptedException e) {
      return; // the scope is closing
    }
    List<Subtask<?>> toCancel;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      missedDeadline += live.size();
      toCancel = cancelLocked(Cancel.DEADLINE);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    toCancel.forEach(Subtask::interrupt);
  }

  /**
   * The watchdog: while cancelled subtasks keep running, reports each with where it is stuck after
   * the grace period, then again at doubling intervals. It only reports; the waiting is join's and
   * close's.
   */
  private void watchStuckSubtasks() {
    long since = clock.nanoTime();
    Duration interval = config.gracePeriod();
    try {
      while (true) {
        clock.sleep(interval);
        List<Subtask<?>> stuck;
        lock.lock();
        try {
          if (live.isEmpty()) {
            return;
          }
          stuck = new ArrayList<>(live);
        } finally {
          lock.unlock();
        }
        Duration waited = Duration.ofNanos(clock.nanoTime() - since);
        for (Subtask<?> s : stuck) {
          reportStuck(s, waited);
        }
        Duration doubled = interval.multipliedBy(2);
        interval = doubled.compareTo(MAX_REPORT_INTERVAL) > 0 ? MAX_REPORT_INTERVAL : doubled;
        if (interval.compareTo(config.gracePeriod()) < 0) {
          interval = config.gracePeriod();
        }
      }
    } catch (InterruptedException e) {
      // close() is done with the scope.
    }
  }

  private void reportStuck(Subtask<?> s, Duration waited) {
    Thread t = s.thread();
    if (t == null) {
      return; // it has just finished
    }
    StackTraceElement[] where = t.getStackTrace();
    if (s.state() != Subtask.State.RUNNING) {
      return;
    }
    String message =
        "scope '"
            + config.name()
            + "': subtask #"
            + s.index()
            + " on thread "
            + t.getName()
            + " ignored its interrupt and still runs "
            + waited
            + " after the scope was cancelled; the scope waits for it to stop (stuck where the"
            + " attached stack trace shows)";
    reporter.report(message, new StuckSubtaskTrace(t.getName(), where));
  }

  /** Carries a stuck subtask's stack trace into the report. */
  private static final class StuckSubtaskTrace extends Throwable {
    private static final long serialVersionUID = 1L;

    StuckSubtaskTrace(String threadName, StackTraceElement[] where) {
      super("stack of " + threadName, null, false, true);
      setStackTrace(where);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // the stack that matters is the stuck thread's, set in the constructor
    }
  }

  /** Refuses a call that would make a subtask wait for itself. */
  private void checkNotOwnSubtask(String method) {
    if (!CURRENT.isBound()) {
      return;
    }
    for (Scope s = CURRENT.get(); s != null; s = s.parent) {
      if (s == this) {
        throw new IllegalStateException(
            method
                + " called from a subtask of scope '"
                + config.name()
                + "' (or of a scope nested in one): it would wait for itself; only the scope's"
                + " owner may call it");
      }
    }
  }

  /**
   * Waits until every forked subtask has finished (in a fail-fast scope: or the first has failed
   * and the others have stopped). Afterwards the scope holds none of the finished subtasks: {@link
   * #completions()} does not return them again.
   *
   * @throws InterruptedException if interrupted; the subtasks are cancelled and have stopped
   * @throws ScopeFailedException in a fail-fast scope whose subtask failed
   * @throws DeadlineExceededException if the deadline passed while subtasks ran (they were
   *     cancelled and have stopped) or a subtask was forked after it (and not started)
   * @throws IllegalStateException if called from a subtask of this scope
   */
  public void join() throws InterruptedException {
    checkNotOwnSubtask("join()");
    try {
      lock.lock();
      try {
        while (!live.isEmpty()) {
          changed.await();
        }
      } finally {
        lock.unlock();
      }
    } catch (InterruptedException e) {
      cancelAll(Cancel.OWNER);
      awaitAllStopped();
      joinEndingThreads();
      throw e;
    }
    joinEndingThreads();
    lock.lock();
    try {
      completed.clear();
      boolean deadlineFirst = cancel == Cancel.DEADLINE || firstFailure == null || !failFast;
      if (missedDeadline > 0 && deadlineFirst) {
        int missed = missedDeadline;
        missedDeadline = 0; // reported once; a later join reports only later misses
        throw new DeadlineExceededException(config.name(), config.deadline(), missed);
      }
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

  /** Waits, ignoring interrupts but keeping them, until no subtask runs. */
  private void awaitAllStopped() {
    boolean interrupted = false;
    lock.lock();
    try {
      while (!live.isEmpty()) {
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

  /** Joins the threads of finished subtasks (they are past their last action) and drops them. */
  private void joinEndingThreads() {
    List<Thread> toJoin;
    lock.lock();
    try {
      toJoin = new ArrayList<>(ending);
      ending.clear();
    } finally {
      lock.unlock();
    }
    joinUninterruptibly(toJoin);
  }

  private static void joinUninterruptibly(List<Thread> toJoin) {
    boolean interrupted = false;
    for (Thread t : toJoin) {
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
   * Cancels (interrupts) whatever still runs and waits until every subtask's thread has ended. A
   * subtask that ignores its interrupt is waited for, and reported as stuck after the grace period.
   * Idempotent.
   *
   * @throws IllegalStateException if called from a subtask of this scope
   */
  @Override
  public void close() {
    checkNotOwnSubtask("close()");
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
    cancelAll(Cancel.OWNER);
    awaitAllStopped();
    List<Thread> helpers = new ArrayList<>();
    lock.lock();
    try {
      helpers.addAll(ending);
      ending.clear();
      if (watchdog != null) {
        helpers.add(watchdog);
      }
    } finally {
      lock.unlock();
    }
    if (deadlineTimer != null) {
      helpers.add(deadlineTimer);
      deadlineTimer.interrupt();
    }
    if (watchdog != null) {
      watchdog.interrupt();
    }
    joinUninterruptibly(helpers);
  }

  /**
   * The scope's subtasks as they finish, in completion order, blocking while none is ready. Ends
   * when no subtask runs and every finished one has been returned, except those finished before the
   * last {@link #join()} returned (join has waited for them). One consumer at a time, never a
   * subtask of this scope.
   *
   * <p>Iterating blocks while subtasks run and none has finished. If the iterating thread is
   * interrupted, the subtasks are cancelled and have stopped when the iterator throws {@link
   * CancellationException} (cause: the {@link InterruptedException}) with the interrupt status set.
   *
   * @return a blocking iterable
   */
  public Iterable<Subtask<?>> completions() {
    return () ->
        new Iterator<>() {
          private Subtask<?> next;

          @Override
          public boolean hasNext() {
            if (next == null) {
              try {
                next = awaitCompletion("completions()");
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                CancellationException c =
                    new CancellationException(
                        "interrupted while waiting for a subtask of scope '"
                            + config.name()
                            + "'; its subtasks were cancelled");
                c.initCause(e);
                throw c;
              }
            }
            return next != null;
          }

          @Override
          public Subtask<?> next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            Subtask<?> s = next;
            next = null;
            return s;
          }
        };
  }

  /**
   * The next finished subtask not yet returned, or null when none runs and all were returned. If
   * interrupted, cancels the subtasks and waits for them to stop before throwing.
   */
  private Subtask<?> awaitCompletion(String method) throws InterruptedException {
    checkNotOwnSubtask(method);
    try {
      lock.lock();
      try {
        while (completed.isEmpty() && !live.isEmpty()) {
          changed.await();
        }
        return completed.poll();
      } finally {
        lock.unlock();
      }
    } catch (InterruptedException e) {
      cancelAll(Cancel.OWNER);
      awaitAllStopped();
      throw e;
    }
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
   * waits for them to stop. If the iterating thread is interrupted, the tasks are cancelled and
   * have stopped when the iterator throws {@link CancellationException} with the interrupt status
   * set, as for any {@link Results}.
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
   * early, or interrupting the iterating thread (the iterator then throws {@link
   * CancellationException} with the interrupt status set), stops the waiting; the futures
   * themselves are not cancelled.
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
   * @throws InterruptedException if interrupted; all tasks are cancelled and have stopped
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
      Subtask<?> s;
      while ((s = scope.awaitCompletion("race")) != null) {
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
      // Every task ended and none succeeded or failed: only a cancel does that, and nothing
      // cancels this scope but an interrupt, which awaitCompletion has thrown.
      throw all != null ? all : new ScopeFailedException("the race was cancelled", null);
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
   * @throws InterruptedException if interrupted (waiting to start a task or for the tasks to
   *     finish); the running tasks are cancelled and have stopped
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
