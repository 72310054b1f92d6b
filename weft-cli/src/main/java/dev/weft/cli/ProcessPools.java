package dev.weft.cli;

import dev.weft.Pool;
import dev.weft.TaskFunction;
import dev.weft.process.ProcessEngine;
import dev.weft.process.ProcessOptions;
import dev.weft.shm.SharedMemory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * The showdown's worker-process pools and shared-memory segments, and what happens to them when the
 * JVM is stopped (Ctrl-C) in the middle of a round: one shutdown hook stops every live pool, kills
 * its workers and waits for them, then closes (and so removes) every live segment, so that neither
 * a worker nor a file in {@code /dev/shm} outlives the command.
 *
 * <p>Thread-safe.
 */
final class ProcessPools {
  /** How long {@link #open} waits for the workers to connect. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private static final Set<Opened> POOLS = ConcurrentHashMap.newKeySet();
  private static final Set<SharedMemory> SEGMENTS = ConcurrentHashMap.newKeySet();
  private static volatile boolean exiting;
  private static boolean hooked;

  private ProcessPools() {}

  /**
   * A pool and its engine, open for one round.
   *
   * @param pool the pool
   * @param engine its engine, for the workers' pids
   */
  record Opened(Pool pool, ProcessEngine engine) {
    /** The live workers, for their CPU time. */
    List<ProcessHandle> workers() {
      List<ProcessHandle> handles = new ArrayList<>();
      for (long pid : engine.workerPids()) {
        ProcessHandle.of(pid).ifPresent(handles::add);
      }
      return handles;
    }

    /** Closes the pool, which waits for its workers to exit, and forgets it. */
    void close() {
      try {
        pool.close();
      } finally {
        POOLS.remove(this);
      }
    }
  }

  /**
   * Starts a pool of {@code workers} worker processes and waits until every one of them has
   * connected and run a task, so that a round's clock starts on warm, idle workers: the JVMs'
   * start-up is not charged to the strategy, as a thread pool's creation is not.
   *
   * @param options the workers' options; eager start is added
   * @param warm what runs on the pool before the clock starts: tasks of the strategy's kind, so
   *     that the codec has generated its serializers for their types and the JIT compiled their
   *     code in every worker when the round's own tasks come
   * @return the open pool
   * @throws Exception if the workers cannot be started
   */
  static Opened open(ProcessOptions options, WarmUp warm) throws Exception {
    hook();
    ProcessEngine engine = ProcessEngine.create(options.withEagerStart(true));
    Opened opened = new Opened(Pool.on(engine), engine);
    POOLS.add(opened);
    boolean ok = false;
    try {
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (engine.workerPids().size() < options.workers()) {
        if (System.nanoTime() > deadline) {
          throw new CommandFailedException(
              "the worker processes did not start within " + START_TIMEOUT.toSeconds() + " s");
        }
        Thread.sleep(5);
      }
      warm.run(opened.pool(), options.workers());
      ok = true;
      return opened;
    } finally {
      if (!ok) {
        opened.close();
      }
    }
  }

  /**
   * A strategy that runs {@code body} on a pool of one worker process per core (as {@code pool-cpu}
   * has one thread per core), started in the round's untimed setup and closed after it.
   *
   * @param name the strategy's name
   * @param description its legend line
   * @param warm what runs on the pool before the clock starts (see {@link #open})
   * @param body the timed part, given the pool
   * @param <I> the input type
   * @param <R> the result type
   * @return the strategy
   */
  static <I, R> Strategy<I, R> perCore(
      String name, String description, WarmUp warm, PoolBody<I, R> body) {
    int workers = Runtime.getRuntime().availableProcessors();
    return on(name, description, ProcessOptions.workers(workers), warm, body);
  }

  /**
   * A strategy that runs {@code body} on a pool with these options, started in the round's untimed
   * setup and closed after it.
   *
   * @param name the strategy's name
   * @param description its legend line
   * @param options the workers' options
   * @param warm what runs on the pool before the clock starts (see {@link #open})
   * @param body the timed part, given the pool
   * @param <I> the input type
   * @param <R> the result type
   * @return the strategy
   */
  static <I, R> Strategy<I, R> on(
      String name, String description, ProcessOptions options, WarmUp warm, PoolBody<I, R> body) {
    return new Strategy<>(
        name,
        description,
        () -> {
          Opened opened = open(options, warm);
          return Strategy.Run.of(
              in -> body.apply(opened.pool(), in), opened::close, opened::workers);
        });
  }

  /**
   * What runs on a process pool before a round's clock starts: the strategy's own function (the
   * same object, so that each worker has deserialized it) on a few small inputs of its type.
   */
  @FunctionalInterface
  interface WarmUp {
    /**
     * Runs the warm-up.
     *
     * @param pool the new pool
     * @param workers its workers
     * @throws Exception if it fails
     */
    void run(Pool pool, int workers) throws Exception;
  }

  /**
   * Maps {@code fn} over two inputs per worker made by {@code input}, one task per batch: the usual
   * warm-up.
   *
   * @param pool the pool
   * @param workers its workers
   * @param fn the task
   * @param input makes input {@code i}
   * @param <T> the input type
   * @throws InterruptedException if interrupted
   */
  static <T> void mapEach(
      Pool pool,
      int workers,
      TaskFunction<? super T, ?> fn,
      java.util.function.IntFunction<T> input)
      throws InterruptedException {
    List<T> inputs = IntStream.range(0, 2 * workers).mapToObj(input).toList();
    pool.with(o -> o.withChunkSize(1)).map(fn, inputs);
  }

  /**
   * The timed part of a process strategy.
   *
   * @param <I> the input type
   * @param <R> the result type
   */
  @FunctionalInterface
  interface PoolBody<I, R> {
    /**
     * Computes the result on the pool.
     *
     * @param pool the round's pool
     * @param input the workload's input
     * @return the result
     * @throws Exception if the computation fails
     */
    R apply(Pool pool, I input) throws Exception;
  }

  /**
   * Creates a segment that the shutdown hook closes if the JVM stops before {@link #close} does.
   *
   * @param name its name
   * @param bytes its size
   * @return the segment
   * @throws IOException if it cannot be created
   */
  static SharedMemory createSegment(String name, long bytes) throws IOException {
    hook();
    SharedMemory m = SharedMemory.create(name, bytes);
    SEGMENTS.add(m);
    return m;
  }

  /**
   * Unlinks and closes a segment made by {@link #createSegment}: the file is removed once no worker
   * holds it.
   *
   * @param m the segment
   * @throws IOException if it cannot be removed
   */
  static void close(SharedMemory m) throws IOException {
    try {
      m.unlink();
    } catch (IllegalStateException e) {
      // closed already (by the shutdown hook)
    } finally {
      SEGMENTS.remove(m);
      m.close();
    }
  }

  /**
   * Whether the JVM is shutting down and the hook has torn the pools down: a failure that follows
   * is the teardown's doing, not the strategy's, and is not reported.
   */
  static boolean exiting() {
    return exiting;
  }

  /** Waits for the JVM to halt: for the main thread once the shutdown hook has taken over. */
  static void awaitHalt() {
    while (true) {
      LockSupport.park();
    }
  }

  private static synchronized void hook() {
    if (hooked) {
      return;
    }
    hooked = true;
    Runtime.getRuntime()
        .addShutdownHook(new Thread(ProcessPools::tearDown, "weft-showdown-teardown"));
  }

  /** The shutdown hook: workers first, so that closing a segment finds no live holder. */
  private static void tearDown() {
    exiting = true;
    List<ProcessHandle> workers = new ArrayList<>();
    for (Opened o : POOLS) {
      workers.addAll(o.workers());
      o.pool().shutdownNow();
    }
    for (ProcessHandle w : workers) {
      w.destroyForcibly();
    }
    for (ProcessHandle w : workers) {
      try {
        w.onExit().get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Gone already, or not gone in time: the segment's close then leaves the file to
        // SharedMemory.reclaimOrphans, which removes it once that worker is dead.
      }
    }
    for (SharedMemory m : SEGMENTS) {
      try {
        m.unlink();
      } catch (IOException | IllegalStateException e) {
        // removed or closed already
      }
      try {
        m.close();
      } catch (IOException | RuntimeException e) {
        // nothing more can be done while the JVM exits
      }
    }
  }
}
