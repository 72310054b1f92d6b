package dev.weft;

import dev.weft.spi.Batch;
import dev.weft.spi.BatchCallback;
import dev.weft.spi.BatchControl;
import dev.weft.spi.BatchResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link java.util.concurrent.ExecutorService} view of a {@link Pool}: see {@link
 * Pool#asExecutorService()} for its contract. Each task becomes a batch of one input on the pool's
 * engine.
 *
 * <p>Implementation note. Every accepted task is an {@link Entry} in {@code live} (guarded by
 * {@code lock}) from the moment {@code execute} admits it until the engine's callback for its batch
 * runs, which the engine promises exactly once, after the task has returned or when it will never
 * run. So {@code live} empty means no task of this view runs or will run, and termination is "shut
 * down and {@code live} empty". An entry's state moves once, by CAS, from NEW to STARTED (the
 * worker is about to run the task) or to SKIPPED (cancelled, drained by {@code shutdownNow}, or
 * dropped by the engine first): whoever wins decides whether the task runs, so a task runs at most
 * once and a drained task never runs. The entry's batch handle may be bound after a worker has
 * already taken the batch (the engine hands it over before {@code execute} returns); a stop
 * requested before the handle is bound is applied when it is bound, as in {@link PoolFuture}.
 *
 * <p>The view cannot be told when its pool closes (the pool has no listeners), so {@link
 * #awaitTermination} on a view that was not itself shut down re-checks the pool at least every
 * {@link #POOL_CHECK_NANOS}; once the view is shut down it waits on a condition alone.
 */
final class PoolExecutorService extends AbstractExecutorService {
  /** How often a waiter on a view that is not shut down looks whether the pool was closed. */
  static final long POOL_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private static final int NEW = 0;
  private static final int STARTED = 1;
  private static final int SKIPPED = 2;

  private final Pool pool;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition finished = lock.newCondition();
  // In admission order, so that shutdownNow lists the waiting tasks in the order they came.
  private final Set<Entry> live = new LinkedHashSet<>();
  private volatile boolean shutdown;

  PoolExecutorService(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  @Override
  public void execute(Runnable command) {
    Objects.requireNonNull(command, "command");
    Entry entry = new Entry(command);
    lock.lock();
    try {
      if (shutdown) {
        throw new RejectedExecutionException("this executor view of " + pool + " is shut down");
      }
      live.add(entry);
    } finally {
      lock.unlock();
    }
    if (command instanceof ViewTask<?> task && task.view == this) {
      task.entry = entry;
    }
    boolean accepted = false;
    try {
      pool.checkOpen();
      TaskFunction<Object, Object> run =
          ignored -> {
            entry.run();
            return null;
          };
      Batch<Object, Object> batch =
          new Batch<>(pool.nextBatchId(), 0, Collections.singletonList(null), run, true);
      // Outside the lock: the engine may block here while it is full.
      entry.bind(pool.engine().execute(batch, entry));
      accepted = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RejectedExecutionException(
          "interrupted while waiting for room in " + pool + "; the task was not accepted", e);
    } finally {
      if (!accepted) {
        entry.state.compareAndSet(NEW, SKIPPED);
        retire(entry);
      }
    }
  }

  @Override
  protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
    return new ViewTask<>(this, Executors.callable(runnable, value), null);
  }

  @Override
  protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
    return new ViewTask<>(this, callable, null);
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks)
      throws InterruptedException, ExecutionException {
    try {
      return doInvokeAny(tasks, false, 0);
    } catch (TimeoutException cannotHappen) {
      throw new AssertionError(cannotHappen);
    }
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    Objects.requireNonNull(unit, "unit");
    return doInvokeAny(tasks, true, unit.toNanos(timeout));
  }

  /**
   * The JDK's algorithm (submit one task at a time while none has completed), over the view's own
   * futures rather than an {@code ExecutorCompletionService}: a task that {@link #shutdownNow}
   * drains is then a cancelled future that reaches the completion queue, where the completion
   * service's wrapper would have left this call waiting forever.
   */
  private <T> T doInvokeAny(Collection<? extends Callable<T>> tasks, boolean timed, long nanos)
      throws InterruptedException, ExecutionException, TimeoutException {
    Objects.requireNonNull(tasks, "tasks");
    List<Callable<T>> pending = new ArrayList<>(tasks.size());
    for (Callable<T> t : tasks) {
      pending.add(Objects.requireNonNull(t, "a task of invokeAny is null"));
    }
    if (pending.isEmpty()) {
      throw new IllegalArgumentException("invokeAny needs at least one task");
    }
    long deadline = timed ? System.nanoTime() + nanos : 0L;
    BlockingQueue<ViewTask<T>> completed = new LinkedBlockingQueue<>();
    List<ViewTask<T>> futures = new ArrayList<>(pending.size());
    try {
      ExecutionException last = null;
      int next = 0;
      int active = 0;
      while (true) {
        ViewTask<T> f = completed.poll();
        if (f == null) {
          if (next < pending.size()) {
            ViewTask<T> task = new ViewTask<>(this, pending.get(next++), completed);
            futures.add(task);
            execute(task);
            active++;
            continue;
          } else if (active == 0) {
            break;
          } else if (timed) {
            f = completed.poll(nanos, TimeUnit.NANOSECONDS);
            if (f == null) {
              throw new TimeoutException("no task of invokeAny succeeded in time");
            }
            nanos = deadline - System.nanoTime();
          } else {
            f = completed.take();
          }
        }
        active--;
        try {
          return f.get();
        } catch (ExecutionException e) {
          last = e;
        } catch (CancellationException e) {
          last = new ExecutionException("a task of invokeAny was cancelled", e);
        }
      }
      throw last;
    } finally {
      for (ViewTask<T> f : futures) {
        f.cancel(true);
      }
    }
  }

  @Override
  public void shutdown() {
    lock.lock();
    try {
      shutdown = true;
      finished.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    List<Entry> snapshot;
    lock.lock();
    try {
      shutdown = true;
      finished.signalAll();
      snapshot = new ArrayList<>(live);
    } finally {
      lock.unlock();
    }
    // Claim every waiting task before interrupting any running one: an interrupted task frees its
    // worker, which would otherwise start a waiting task this call is about to return.
    List<Runnable> neverStarted = new ArrayList<>();
    for (Entry e : snapshot) {
      if (e.state.compareAndSet(NEW, SKIPPED)) {
        neverStarted.add(e.command);
      }
    }
    for (Entry e : snapshot) {
      e.stop();
    }
    for (Runnable r : neverStarted) {
      if (r instanceof ViewTask<?> task && task.view == this) {
        // Nobody may ever run it now: cancel it so that whoever waits on it wakes up.
        task.cancel(false);
      }
    }
    return neverStarted;
  }

  @Override
  public boolean isShutdown() {
    return shutdown || poolClosed();
  }

  @Override
  public boolean isTerminated() {
    lock.lock();
    try {
      return live.isEmpty() && isShutdown();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    long deadline = System.nanoTime() + nanos;
    lock.lock();
    try {
      while (!(live.isEmpty() && isShutdown())) {
        nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
          return false;
        }
        finished.awaitNanos(shutdown ? nanos : Math.min(nanos, POOL_CHECK_NANOS));
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private boolean poolClosed() {
    return pool.isClosed();
  }

  private void retire(Entry entry) {
    lock.lock();
    try {
      live.remove(entry);
      if (live.isEmpty()) {
        finished.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    int tasks;
    lock.lock();
    try {
      tasks = live.size();
    } finally {
      lock.unlock();
    }
    String state = isTerminated() ? "terminated" : isShutdown() ? "shut down" : "running";
    return "ExecutorService view of " + pool + " [" + state + ", " + tasks + " tasks]";
  }

  /** One accepted task: its state, its batch's handle, and the engine's callback for it. */
  private final class Entry implements BatchCallback {
    final Runnable command;
    final AtomicInteger state = new AtomicInteger(NEW);
    private volatile BatchControl control;
    private volatile boolean stopRequested;

    Entry(Runnable command) {
      this.command = command;
    }

    /** On the worker. */
    void run() {
      if (!state.compareAndSet(NEW, STARTED)) {
        return;
      }
      try {
        command.run();
      } catch (Throwable t) {
        uncaught(t);
      }
    }

    void bind(BatchControl c) {
      control = c;
      if (stopRequested) {
        c.cancel();
      }
    }

    /** Removes the batch from the engine if it waits there, interrupts it if it runs. */
    void stop() {
      stopRequested = true;
      BatchControl c = control;
      if (c != null) {
        c.cancel();
      }
    }

    /** Cancels the batch unless the task has started: {@code cancel(false)} must not interrupt. */
    void dropIfNotStarted() {
      if (state.compareAndSet(NEW, SKIPPED)) {
        stop();
      }
    }

    @Override
    public void completed(BatchResult result) {
      try {
        if (state.compareAndSet(NEW, SKIPPED)) {
          // The engine finished the batch without our task running: the pool's owner cancelled
          // it (Pool.shutdownNow), or the engine failed it before it reached the task.
          Throwable error = result.attempted() > 0 ? result.error(0) : null;
          if (command instanceof ViewTask<?> task && task.view == PoolExecutorService.this) {
            task.abandon(error);
          } else if (error != null) {
            uncaught(error);
          }
        }
      } finally {
        retire(this);
      }
    }
  }

  /**
   * Where a {@link Runnable} given to {@code execute} that throws goes: the uncaught-exception
   * handler of the worker thread, as a JDK thread pool would, but the worker lives on.
   */
  private static void uncaught(Throwable t) {
    Thread worker = Thread.currentThread();
    try {
      worker.getUncaughtExceptionHandler().uncaughtException(worker, t);
    } catch (Throwable ignored) {
      // The JVM ignores what an uncaught-exception handler throws; so do we.
    }
  }

  /**
   * A future created by this view: a {@link FutureTask} (so cancellation, {@code state()}, {@code
   * resultNow()} and {@code exceptionNow()} are the JDK's) whose cancel also withdraws its batch
   * from the pool when the task has not started yet.
   */
  private static final class ViewTask<T> extends FutureTask<T> {
    final PoolExecutorService view;
    private final BlockingQueue<ViewTask<T>> completion;
    volatile Entry entry;

    ViewTask(
        PoolExecutorService view, Callable<T> callable, BlockingQueue<ViewTask<T>> completion) {
      super(callable);
      this.view = view;
      this.completion = completion;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      Entry e = entry;
      if (cancelled && e != null) {
        e.dropIfNotStarted();
      }
      return cancelled;
    }

    /** The task will never run here: fail it with the engine's error, or cancel it. */
    void abandon(Throwable error) {
      if (error != null) {
        setException(error);
      } else {
        super.cancel(false);
      }
    }

    @Override
    protected void done() {
      if (completion != null) {
        completion.add(this);
      }
    }
  }
}
