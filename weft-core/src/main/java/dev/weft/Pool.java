package dev.weft;

import dev.weft.diag.PoolStats;
import dev.weft.diag.TimeAccounting;
import dev.weft.internal.Job;
import dev.weft.internal.ThreadEngine;
import dev.weft.internal.VirtualEngine;
import dev.weft.spi.Batch;
import dev.weft.spi.Engine;
import dev.weft.spi.EngineProvider;
import dev.weft.spi.Shipping;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BinaryOperator;
import java.util.function.LongSupplier;

/**
 * A pool of workers that runs tasks in parallel: {@link #map}, {@link #imap}, {@link
 * #imapUnordered}, {@link #starmap}, the {@code Outcomes} forms (see {@link Mapper}) and {@link
 * #submit}; and data-parallel kernels over primitive ranges and arrays, with no boxing: {@link
 * #forRange}, {@link #mapInts} and its {@code long} and {@code double} siblings, {@link #sumLongs},
 * {@link #sumDoubles} and {@link #reduceRange}.
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
  // A class, not a method reference: no lambda bootstrap on a pool's first call.
  private final LongSupplier batchIdSupplier =
      new LongSupplier() {
        @Override
        public long getAsLong() {
          return batchIds.incrementAndGet();
        }
      };
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
   * A pool of {@code workers} worker processes: separate JVMs started with this JVM's JDK and class
   * path, for work that must be isolated. A task that never returns is stopped for real (its worker
   * is killed and replaced), and a crash, an {@link OutOfMemoryError} or a native fault in one task
   * fails that task, not this JVM. Tasks and their inputs and results are serialized, so they must
   * not count on memory shared with the caller; a call whose function captures something that
   * cannot be shipped is rejected when it starts. Needs the module {@code dev.weft:weft-process} on
   * the class or module path; its {@code ProcessEngine} takes options (heap per worker, JVM
   * options, an initializer, timeouts): {@code Pool.on(ProcessEngine.create(options))}.
   *
   * @param workers the number of worker processes, at least 1
   * @return the pool
   * @throws IllegalStateException if weft-process is not there
   */
  public static Pool processes(int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, was " + workers);
    }
    return new Pool(providedEngine("processes", workers), MapOptions.DEFAULTS);
  }

  private static Engine providedEngine(String kind, int parallelism) {
    for (EngineProvider provider : java.util.ServiceLoader.load(EngineProvider.class)) {
      if (provider.kind().equals(kind)) {
        return provider.create(parallelism);
      }
    }
    throw new IllegalStateException(
        "no engine of kind \""
            + kind
            + "\" is on the class or module path: add the dependency dev.weft:weft-"
            + ("processes".equals(kind) ? "process" : kind));
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

  /** The batch numbering, for map calls. */
  LongSupplier batchIds() {
    return batchIdSupplier;
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
    if (engine.shipsWork()) {
      Shipping.check(task, "the task");
    }
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
   * <p>Tasks are plain {@code Runnable}s and {@code Callable}s, which are not serializable and
   * whose futures live in this JVM, so the view is for the in-JVM engines ({@link #cpu}, {@link
   * #io}), which run them without serializing them. On an engine that ships work (worker
   * processes), use {@link #submit(TaskCallable)}, whose future gets the result back.
   *
   * @return a new view of this pool, accepting tasks while the pool is open
   * @throws IllegalStateException if the pool's engine ships work to other processes
   */
  public java.util.concurrent.ExecutorService asExecutorService() {
    if (engine.shipsWork()) {
      throw new IllegalStateException(
          "an ExecutorService view runs JDK Runnables and Callables, which cannot be shipped to"
              + " the "
              + engine.name()
              + " engine's workers: use submit(TaskCallable) on this pool instead");
    }
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

  // ------------------------------------------------------------------ data-parallel kernels
  //
  // Implementation note. A kernel cuts its range into contiguous slices and maps over them with
  // one slice per batch, through the same MapRun as every other map call: cancellation, fail-fast,
  // interrupts, shutdown and nested use behave as for map. The caller's MapRun keeps a few slices
  // in flight and hands out the next one as each finishes, so a worker that draws cheap slices
  // takes more of them (self-scheduling). Elements stay primitive inside a slice; only one result
  // per slice is boxed.

  /**
   * Indices per slice below which a slice is not worth a hand-off to a worker (several
   * microseconds): a range of at most this many indices runs on the caller's thread.
   */
  static final int MIN_SLICE = 4_096;

  /** Slices per worker: enough for a worker that drew cheap slices to take over another's share. */
  static final int SLICES_PER_WORKER = 4;

  /**
   * Runs {@code body} over the indices {@code [from, to)}, cut into contiguous slices that the
   * workers run in parallel: a data-parallel loop over primitives, with no boxing and one hand-off
   * per slice rather than per index.
   *
   * {@snippet :
   * pool.forRange(0, a.length, (lo, hi) -> {
   *   for (int i = lo; i < hi; i++) a[i] = a[i] * a[i]; // in place
   * });
   * }
   *
   * <p>The range is cut into at most 4 slices per worker (counting at most four workers per
   * processor), none shorter than 4,096 indices; a range that makes one slice runs on the calling
   * thread without a hand-off. The slices partition the range exactly; which worker runs which
   * slice, and in what order, is not specified. The body is meant for cheap per-index work; for
   * tasks that take micro- or milliseconds each, {@link #map} sizes batches by measured time
   * instead.
   *
   * <p>Blocks until every slice has run. Actions before the call happen before each slice runs;
   * each slice's actions happen before the call returns, so the caller sees everything the body
   * wrote. If a slice fails, the slices not yet started are cancelled and running ones interrupted,
   * as for {@link #map}; a body that never checks for interruption finishes its slice, possibly
   * after this method has thrown, so a caller that recovers from a failure must not assume the
   * array it passed is no longer being written.
   *
   * @param from the first index
   * @param to one past the last index; {@code from <= to}
   * @param body processes one slice
   * @throws TaskFailedException if the body threw for a slice: its message names the slice ("range
   *     [250000, 375000) failed: ..."), {@link TaskFailedException#index()} is the slice's first
   *     index and the cause is what the body threw
   * @throws InterruptedException if interrupted while waiting; the slices are cancelled first
   * @throws java.util.concurrent.CancellationException if the pool was shut down during the call
   * @throws RejectedExecutionException if the pool is closed
   * @throws IllegalArgumentException if {@code from > to}
   */
  public void forRange(int from, int to, RangeTask body) throws InterruptedException {
    Objects.requireNonNull(body, "body");
    if (engine.shipsWork()) {
      Shipping.checkWritesNoCopies(body, "forRange's body");
    }
    runSlices(
        from,
        to,
        (lo, hi) -> {
          body.run(lo, hi);
          return null;
        });
  }

  /**
   * Computes {@code f} on every element of {@code in} in parallel, into a new array: {@code out[i]
   * = f.applyAsInt(in[i])}. Runs as {@link #forRange} over the indices, with its guarantees; {@code
   * in} must not change during the call. The JVM zeroes a new array on the allocating thread before
   * any worker writes to it, which for very large arrays costs about as much as the loop: to write
   * into an array that is reused, call {@link #forRange} with the loop.
   *
   * @param in the elements
   * @param f the function
   * @return a new array of the results, in the order of {@code in}
   * @throws TaskFailedException if {@code f} threw, naming the failed slice's index range
   * @throws InterruptedException if interrupted while waiting; the slices are cancelled first
   */
  public int[] mapInts(int[] in, IntUnaryTask f) throws InterruptedException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(f, "f");
    int[] out = new int[in.length];
    if (engine.shipsWork()) {
      // Each slice ships its part of the array and brings its results back.
      List<int[]> parts =
          mapShippedSlices(
              in.length,
              s -> java.util.Arrays.copyOfRange(in, s.lo(), s.hi()),
              part -> {
                int[] r = new int[part.length];
                for (int i = 0; i < r.length; i++) {
                  r[i] = f.applyAsInt(part[i]);
                }
                return r;
              });
      int at = 0;
      for (int[] part : parts) {
        System.arraycopy(part, 0, out, at, part.length);
        at += part.length;
      }
      return out;
    }
    forRange(
        0,
        in.length,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            out[i] = f.applyAsInt(in[i]);
          }
        });
    return out;
  }

  /**
   * {@link #mapInts} for {@code long}s.
   *
   * @param in the elements
   * @param f the function
   * @return a new array of the results, in the order of {@code in}
   * @throws TaskFailedException if {@code f} threw, naming the failed slice's index range
   * @throws InterruptedException if interrupted while waiting; the slices are cancelled first
   */
  public long[] mapLongs(long[] in, LongUnaryTask f) throws InterruptedException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(f, "f");
    long[] out = new long[in.length];
    if (engine.shipsWork()) {
      // Each slice ships its part of the array and brings its results back.
      List<long[]> parts =
          mapShippedSlices(
              in.length,
              s -> java.util.Arrays.copyOfRange(in, s.lo(), s.hi()),
              part -> {
                long[] r = new long[part.length];
                for (int i = 0; i < r.length; i++) {
                  r[i] = f.applyAsLong(part[i]);
                }
                return r;
              });
      int at = 0;
      for (long[] part : parts) {
        System.arraycopy(part, 0, out, at, part.length);
        at += part.length;
      }
      return out;
    }
    forRange(
        0,
        in.length,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            out[i] = f.applyAsLong(in[i]);
          }
        });
    return out;
  }

  /**
   * {@link #mapInts} for {@code double}s.
   *
   * @param in the elements
   * @param f the function
   * @return a new array of the results, in the order of {@code in}
   * @throws TaskFailedException if {@code f} threw, naming the failed slice's index range
   * @throws InterruptedException if interrupted while waiting; the slices are cancelled first
   */
  public double[] mapDoubles(double[] in, DoubleUnaryTask f) throws InterruptedException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(f, "f");
    double[] out = new double[in.length];
    if (engine.shipsWork()) {
      // Each slice ships its part of the array and brings its results back.
      List<double[]> parts =
          mapShippedSlices(
              in.length,
              s -> java.util.Arrays.copyOfRange(in, s.lo(), s.hi()),
              part -> {
                double[] r = new double[part.length];
                for (int i = 0; i < r.length; i++) {
                  r[i] = f.applyAsDouble(part[i]);
                }
                return r;
              });
      int at = 0;
      for (double[] part : parts) {
        System.arraycopy(part, 0, out, at, part.length);
        at += part.length;
      }
      return out;
    }
    forRange(
        0,
        in.length,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            out[i] = f.applyAsDouble(in[i]);
          }
        });
    return out;
  }

  /**
   * The sum of {@code term(i)} over the indices {@code [from, to)}, computed in parallel slices;
   * counts too ({@code i -> test(i) ? 1 : 0}). The sum wraps around on overflow, like {@code +} on
   * {@code long}s, so its value does not depend on how the range was cut.
   *
   * {@snippet :
   * long sumOfSquares = pool.sumLongs(0, a.length, i -> (long) a[i] * a[i]);
   * }
   *
   * @param from the first index
   * @param to one past the last index; {@code from <= to}
   * @param term the term for one index
   * @return the sum, 0 for an empty range
   * @throws TaskFailedException if {@code term} threw, naming the failed slice's index range
   * @throws InterruptedException if interrupted while waiting; the slices are cancelled first
   */
  public long sumLongs(int from, int to, IntToLongTask term) throws InterruptedException {
    Objects.requireNonNull(term, "term");
    long sum = 0;
    for (long part : runSlices(from, to, (lo, hi) -> sliceSum(term, lo, hi))) {
      sum += part;
    }
    return sum;
  }

  private static long sliceSum(IntToLongTask term, int lo, int hi) throws Exception {
    long sum = 0;
    for (int i = lo; i < hi; i++) {
      sum += term.applyAsLong(i);
    }
    return sum;
  }

  /**
   * The sum of {@code term(i)} over the indices {@code [from, to)}, computed in parallel slices.
   * Each slice adds its terms in index order and the slices' sums are added in index order, so on
   * the same pool (same parallelism) the result is the same every time; it may differ in the last
   * bits from a sequential sum or from a pool of another size, as floating-point addition is not
   * associative.
   *
   * @param from the first index
   * @param to one past the last index; {@code from <= to}
   * @param term the term for one index
   * @return the sum, 0.0 for an empty range
   * @throws TaskFailedException if {@code term} threw, naming the failed slice's index range
   * @throws InterruptedException if interrupted while waiting; the slices are cancelled first
   */
  public double sumDoubles(int from, int to, IntToDoubleTask term) throws InterruptedException {
    Objects.requireNonNull(term, "term");
    double sum = 0;
    for (double part : runSlices(from, to, (lo, hi) -> sliceSum(term, lo, hi))) {
      sum += part;
    }
    return sum;
  }

  private static double sliceSum(IntToDoubleTask term, int lo, int hi) throws Exception {
    double sum = 0;
    for (int i = lo; i < hi; i++) {
      sum += term.applyAsDouble(i);
    }
    return sum;
  }

  /**
   * A general reduction over the indices {@code [from, to)}: {@code slice} computes one result per
   * contiguous slice, in parallel, and the caller folds the slices' results with {@code combine}
   * from left to right in index order. A maximum:
   *
   * {@snippet :
   * int max = pool.reduceRange(0, a.length, Integer.MIN_VALUE, (lo, hi) -> {
   *   int m = Integer.MIN_VALUE;
   *   for (int i = lo; i < hi; i++) m = Math.max(m, a[i]);
   *   return m;
   * }, Math::max);
   * }
   *
   * <p>{@code combine} must be associative for the result not to depend on how the range was cut;
   * it runs on the calling thread, once per slice but the first. Only one result per slice is
   * boxed.
   *
   * @param from the first index
   * @param to one past the last index; {@code from <= to}
   * @param empty the result for an empty range
   * @param slice computes the result of one slice
   * @param combine combines the results of two adjacent slices, the left one first
   * @param <R> the result type
   * @return the combined result, or {@code empty} if {@code from == to}
   * @throws TaskFailedException if {@code slice} threw, naming the failed slice's index range
   * @throws InterruptedException if interrupted while waiting; the slices are cancelled first
   */
  public <R> R reduceRange(
      int from, int to, R empty, RangeFunction<? extends R> slice, BinaryOperator<R> combine)
      throws InterruptedException {
    Objects.requireNonNull(slice, "slice");
    Objects.requireNonNull(combine, "combine");
    List<R> parts = runSlices(from, to, slice);
    if (parts.isEmpty()) {
      return empty;
    }
    R acc = parts.getFirst();
    for (int i = 1; i < parts.size(); i++) {
      acc = combine.apply(acc, parts.get(i));
    }
    return acc;
  }

  /**
   * A kernel's slices on an engine that ships work: each task gets its own part of the input array,
   * not the whole array its function would otherwise capture, and returns its results.
   */
  private <A> List<A> mapShippedSlices(
      int length, java.util.function.Function<Slice, A> part, TaskFunction<A, A> compute)
      throws InterruptedException {
    checkOpen();
    List<Slice> slices = slices(0, length);
    List<SlicePart<A>> parts = new ArrayList<>(slices.size());
    for (Slice s : slices) {
      parts.add(new SlicePart<>(s, part.apply(s)));
    }
    TaskFunction<SlicePart<A>, A> task = p -> compute.apply(p.values());
    try {
      return with(o -> o.withChunkSize(1)).map(task, parts);
    } catch (TaskFailedException e) {
      if (e.input() instanceof SlicePart<?> p) {
        throw rangeFailed(p.slice(), e.getCause());
      }
      throw e;
    }
  }

  /** A slice with its part of the input; named by its range in messages. */
  record SlicePart<A>(Slice slice, A values) implements Serializable {
    @Override
    public String toString() {
      return slice.toString();
    }
  }

  /** One slice of a kernel's range; its {@code toString()} names it in error messages. */
  record Slice(int lo, int hi) implements Serializable {
    @Override
    public String toString() {
      return "[" + lo + ", " + hi + ")";
    }
  }

  /**
   * How a kernel cuts {@code [from, to)}: contiguous, in order, covering it exactly, empty for an
   * empty range.
   */
  List<Slice> slices(int from, int to) {
    if (from > to) {
      throw new IllegalArgumentException("from must not exceed to: [" + from + ", " + to + ")");
    }
    long n = (long) to - from;
    if (n == 0) {
      return List.of();
    }
    // As in MapRun: an IO engine's parallelism counts tasks that may wait at once, not cores.
    long workers = Math.max(1, Math.min(parallelism(), engine.computeSlots()));
    int count = (int) Math.max(1, Math.min(SLICES_PER_WORKER * workers, n / MIN_SLICE));
    List<Slice> slices = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      slices.add(new Slice((int) (from + n * k / count), (int) (from + n * (k + 1) / count)));
    }
    return slices;
  }

  private <R> List<R> runSlices(int from, int to, RangeFunction<? extends R> fn)
      throws InterruptedException {
    checkOpen();
    List<Slice> slices = slices(from, to);
    if (slices.size() == 1) {
      return java.util.Collections.singletonList(runInline(fn, from, to));
    }
    TaskFunction<Slice, R> task = s -> fn.apply(s.lo(), s.hi());
    try {
      return with(o -> o.withChunkSize(1)).map(task, slices);
    } catch (TaskFailedException e) {
      throw sliceFailure(e);
    }
  }

  private static <R> R runInline(RangeFunction<? extends R> fn, int from, int to)
      throws InterruptedException {
    if (Thread.interrupted()) {
      // Like a map call, which would not wait for a result with its interrupt status set.
      throw new InterruptedException();
    }
    try {
      return fn.apply(from, to);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw rangeFailed(new Slice(from, to), e);
    }
  }

  private static TaskFailedException sliceFailure(TaskFailedException e) {
    if (!(e.input() instanceof Slice slice)) {
      return e; // thrown by something else than one of our slices
    }
    TaskFailedException named = rangeFailed(slice, e.getCause());
    for (Throwable other : e.getSuppressed()) {
      named.addSuppressed(
          other instanceof TaskFailedException t && t.input() instanceof Slice s
              ? rangeFailed(s, t.getCause())
              : other);
    }
    return named;
  }

  private static TaskFailedException rangeFailed(Slice slice, Throwable cause) {
    return new TaskFailedException(
        "range " + slice + " failed: " + cause, slice.lo(), slice, cause);
  }

  @Override
  public String toString() {
    return "Pool[" + engine.name() + ", parallelism " + engine.parallelism() + "]";
  }
}
