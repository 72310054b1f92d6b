package dev.weft;

import dev.weft.diag.PoolStats;
import dev.weft.diag.TimeAccounting;
import dev.weft.internal.Job;
import dev.weft.internal.ThreadEngine;
import dev.weft.internal.VirtualEngine;
import dev.weft.spi.Batch;
import dev.weft.spi.Engine;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool of workers that runs tasks in parallel: {@link #map}, {@link #imap}, {@link
 * #imapUnordered}, {@link #starmap}, the {@code Outcomes} forms (see {@link Mapper}) and {@link
 * #submit}.
 *
 * <p>Where the work runs is the pool's engine, chosen by the factory; the API is the same on all:
 *
 * <ul>
 *   <li>{@link #cpu()} / {@link #cpu(int)}: platform threads, one per core by default, for CPU
 *       work;
 *   <li>{@link #io(int)}: a virtual thread per task, at most {@code maxConcurrency} at once, for
 *       work that waits on IO;
 *   <li>{@link #on(Engine)}: any other engine (worker processes, a cluster).
 * </ul>
 *
 * {@snippet :
 * try (Pool pool = Pool.cpu()) {
 *   List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3)); // [1, 4, 9]
 * }
 * }
 *
 * <p>Tiny tasks are batched automatically (see {@link MapOptions}), so per-task overhead stays in
 * the nanoseconds. Every map call holds a bounded window of inputs, and the engine a bounded number
 * of batches: a producer faster than the workers waits.
 *
 * <p>Thread-safe: any number of threads may call a pool at once, and their calls share its workers.
 * {@link #close()} waits for submitted work; {@link #shutdownNow()} cancels queued work and
 * interrupts running work. A pool never uses {@code ForkJoinPool.commonPool()}; its threads are
 * daemons, so a forgotten pool does not keep the JVM alive, and closing a pool stops all of them.
 */
public final class Pool extends AbstractMapper implements AutoCloseable {
  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  /** How many accepted batches an engine created by these factories holds at most. */
  static final int ENGINE_CAPACITY = 65_536;

  private final Engine engine;
  private final TimeAccounting accounting;
  private final MapOptions options;
  private final AtomicLong batchIds = new AtomicLong();
  private volatile boolean closed;

  private Pool(Engine engine, MapOptions options) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.options = Objects.requireNonNull(options, "options");
    this.accounting = new TimeAccounting(engine.name(), engine.parallelism());
    engine.start(accounting);
  }

  /**
   * A pool of one platform thread per available processor, for CPU-bound work.
   *
   * @return the pool
   */
  public static Pool cpu() {
    return cpu(Runtime.getRuntime().availableProcessors());
  }

  /**
   * A pool of {@code threads} platform threads, for CPU-bound work.
   *
   * @param threads the number of worker threads, at least 1
   * @return the pool
   */
  public static Pool cpu(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    int id = POOL_IDS.incrementAndGet();
    return new Pool(
        new ThreadEngine("weft-cpu-" + id, threads, ENGINE_CAPACITY), MapOptions.DEFAULTS);
  }

  /**
   * A pool that runs each task (or batch of tiny tasks) on its own virtual thread, at most {@code
   * maxConcurrency} at once: for work that spends its time waiting on IO.
   *
   * @param maxConcurrency how many tasks may run at once, at least 1
   * @return the pool
   */
  public static Pool io(int maxConcurrency) {
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException(
          "maxConcurrency must be at least 1, was " + maxConcurrency);
    }
    int id = POOL_IDS.incrementAndGet();
    return new Pool(
        new VirtualEngine("weft-io-" + id, maxConcurrency, ENGINE_CAPACITY), MapOptions.DEFAULTS);
  }

  /**
   * A pool on the given engine, which it starts and owns from now on.
   *
   * @param engine a new, not yet started engine
   * @return the pool
   */
  public static Pool on(Engine engine) {
    return new Pool(engine, MapOptions.DEFAULTS);
  }

  /**
   * A pool on the given engine with default options for its map calls.
   *
   * @param engine a new, not yet started engine
   * @param options the options map calls use unless a {@link #with} view says otherwise
   * @return the pool
   */
  public static Pool on(Engine engine, MapOptions options) {
    return new Pool(engine, options);
  }

  @Override
  Pool pool() {
    return this;
  }

  @Override
  public MapOptions options() {
    return options;
  }

  Engine engine() {
    return engine;
  }

  long nextBatchId() {
    return batchIds.incrementAndGet();
  }

  boolean isClosed() {
    return closed;
  }

  void checkOpen() {
    if (closed) {
      throw new RejectedExecutionException("pool is closed");
    }
  }

  /**
   * Runs one task. Blocks only if the engine already holds its maximum of waiting batches (65,536
   * for the built-in engines).
   *
   * @param task the task
   * @param <R> the result type
   * @return its future; {@code get()} throws {@link java.util.concurrent.ExecutionException} with
   *     what the task threw; {@code cancel} removes the task if it is still queued and interrupts
   *     it if it is running, whatever the {@code mayInterruptIfRunning} argument (weft has one kind
   *     of cancellation: a cancelled task is stopped, never left running with its result discarded)
   * @throws InterruptedException if interrupted while waiting for room
   * @throws RejectedExecutionException if the pool is closed
   */
  public <R> Future<R> submit(TaskCallable<? extends R> task) throws InterruptedException {
    Objects.requireNonNull(task, "task");
    checkOpen();
    PoolFuture<R> future = new PoolFuture<>();
    TaskFunction<Object, R> call = ignored -> task.call();
    Batch<Object, R> batch = new Batch<>(nextBatchId(), 0, singletonNull(), call, true);
    future.bind(engine.execute(batch, future::complete));
    return future;
  }

  private static List<Object> singletonNull() {
    return java.util.Collections.singletonList(null);
  }

  /**
   * Where the workers' time has gone so far.
   *
   * @return an immutable snapshot
   */
  public PoolStats stats() {
    return accounting.snapshot();
  }

  /**
   * How many tasks run at once at most.
   *
   * @return the engine's parallelism
   */
  public int parallelism() {
    return engine.parallelism();
  }

  /**
   * Stops accepting work, waits for everything submitted to finish, and stops the workers. After it
   * returns no thread of this pool is running. Idempotent.
   *
   * <p>If the calling thread is interrupted while it waits, running tasks are interrupted and
   * queued ones cancelled ({@link #shutdownNow()}), and it goes on waiting for them to stop, so
   * that no worker outlives the call; the interrupt status is set again on return.
   *
   * @throws IllegalStateException if called from a task running on this pool, which would wait for
   *     itself: nothing is shut down; close the pool from outside, or call {@link #shutdownNow()}
   */
  @Override
  public void close() {
    checkNotOwnTask("close()");
    closed = true;
    engine.shutdown();
    boolean interrupted = false;
    while (true) {
      try {
        engine.awaitTermination(Duration.ofDays(365));
        break;
      } catch (InterruptedException e) {
        // Keep the promise that no worker outlives close(): cancel instead of walking away.
        interrupted = true;
        engine.shutdownNow();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops accepting work, cancels queued tasks (their callers see them cancelled) and interrupts
   * running ones. Does not wait; follow it with {@link #close()} or {@link #awaitTermination}.
   */
  public void shutdownNow() {
    closed = true;
    engine.shutdownNow();
  }

  /**
   * Waits for the workers to stop after {@link #shutdownNow()} or a {@link #close()} on another
   * thread.
   *
   * @param timeout how long to wait at most
   * @return true if every worker has stopped
   * @throws InterruptedException if interrupted while waiting
   * @throws IllegalStateException if called from a task running on this pool, which would wait for
   *     itself
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    checkNotOwnTask("awaitTermination()");
    return engine.awaitTermination(timeout);
  }

  /**
   * Whether the pool is closed and every worker has stopped.
   *
   * @return true once terminated
   */
  public boolean isTerminated() {
    return engine.isTerminated();
  }

  /**
   * An {@link java.util.concurrent.ExecutorService} that runs its tasks on this pool's workers, for
   * code that takes an {@code Executor}: {@code CompletableFuture.supplyAsync(supplier,
   * pool.asExecutorService())}, HTTP clients, frameworks. It keeps the whole {@code
   * ExecutorService} contract, as the JDK's thread pools do:
   *
   * <ul>
   *   <li><b>Lifecycle.</b> The view is not the pool. {@code shutdown}, {@code shutdownNow} and
   *       {@code close} of the view stop <em>the view</em> accepting (later tasks are rejected with
   *       {@link RejectedExecutionException}), and its {@code awaitTermination} and {@code
   *       isTerminated} concern only the tasks submitted through it; the pool, its map calls and
   *       other views carry on. Only the pool's owner closes the pool; once it is closed (or shut
   *       down) the view rejects tasks, {@code isShutdown()} is true, and the view terminates when
   *       its accepted tasks are done.
   *   <li><b>Views.</b> Every call returns a new, independent view; views of one pool share its
   *       workers and nothing else.
   *   <li><b>Cancellation.</b> The JDK's: {@code cancel(true)} interrupts a running task, {@code
   *       cancel(false)} leaves it running and discards its result; either removes a task that has
   *       not started from the pool. A view is not terminated while a task cancelled with {@code
   *       cancel(false)} still runs. (Futures from {@link #submit(TaskCallable)} differ: their
   *       cancel always stops the task.)
   *   <li><b>{@code shutdownNow}</b> interrupts the view's running tasks and returns those that
   *       never started, in submission order: a {@code Runnable} given to {@code execute} as it was
   *       given, and for {@code submit}, {@code invokeAll} and {@code invokeAny} their future,
   *       which is cancelled, so nothing waits on it forever. If the pool's owner cancels a task of
   *       the view before it starts ({@link #shutdownNow()}), its future is cancelled and a {@code
   *       Runnable} from {@code execute} is not run.
   *   <li><b>Failures.</b> A {@code Runnable} given to {@code execute} that throws is passed to the
   *       worker thread's {@link Thread.UncaughtExceptionHandler} (by default printed to standard
   *       error with its stack trace), as a JDK thread pool does; the worker survives. Submitted
   *       tasks report failures through their future.
   * </ul>
   *
   * <p>Thread-safe. {@code execute}, {@code submit} and the first steps of {@code invokeAll} and
   * {@code invokeAny} block only while the pool's engine holds its maximum of waiting batches;
   * interrupted there, they throw {@link RejectedExecutionException} (the task was not accepted)
   * with the thread's interrupt status set. {@code invokeAll}, {@code invokeAny}, {@code
   * awaitTermination} and {@code Future.get} throw {@link InterruptedException} when interrupted
   * while waiting, and the two {@code invoke} methods then cancel their tasks. Happens-before:
   * actions before a task is handed to the view happen before it runs, and its actions happen
   * before {@code Future.get} returns its result and before {@code awaitTermination} returns true.
   *
   * <p>Tasks are plain {@code Runnable}s and {@code Callable}s, so the view suits the in-JVM
   * engines ({@link #cpu}, {@link #io}), which run them without serializing them.
   *
   * @return a new view of this pool, accepting tasks while the pool is open
   */
  public java.util.concurrent.ExecutorService asExecutorService() {
    return new PoolExecutorService(this);
  }

  private void checkNotOwnTask(String what) {
    if (Job.isWorkerOf(engine)) {
      throw new IllegalStateException(
          what
              + " called from a task running on this pool would wait for that task to finish"
              + " (itself): close the pool from outside its tasks, or use shutdownNow()");
    }
  }

  @Override
  public String toString() {
    return "Pool[" + engine.name() + ", parallelism " + engine.parallelism() + "]";
  }
}
