package dev.weft.internal;

import dev.weft.spi.Batch;
import dev.weft.spi.BatchCallback;
import dev.weft.spi.BatchControl;
import dev.weft.spi.BatchResult;
import dev.weft.spi.Engine;
import dev.weft.spi.Recorder;
import dev.weft.spi.WorkLoop;
import dev.weft.spi.WorkerRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of platform threads taking batches from one shared FIFO queue: the engine for CPU
 * work.
 *
 * <p>The threads start with the first batch or loop, not with the engine: an unused pool costs no
 * thread, and its shutdown counts the threads that never started as terminated.
 *
 * <p>Bound: at most {@code capacity} accepted batches wait; {@link #execute} blocks for room. The
 * queue itself is unbounded only so that shutdown can always append its stop markers; the semaphore
 * {@code room} is the bound.
 *
 * <p>Implementation note: a batch is enqueued only while holding {@code stateLock} in state
 * RUNNING, and shutdown changes the state under the same lock before it appends one stop marker per
 * worker. So every accepted batch stands before the markers in the FIFO queue and is taken by a
 * worker before any worker exits: no batch is stranded.
 */
public final class ThreadEngine implements Engine {
  private static final int RUNNING = 0;
  private static final int SHUTDOWN = 1;
  private static final int STOP = 2;
  // Classes, not lambdas, on the path that creates a pool: the first lambda in a JVM costs
  // milliseconds of bootstrap (docs/PERFORMANCE.md 8).
  private static final Job STOP_MARKER =
      new Job(
          null,
          new BatchCallback() {
            @Override
            public void completed(BatchResult result) {}
          },
          null);

  private final String name;
  private final int threads;
  private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  private final Semaphore room;
  private final ReentrantLock stateLock = new ReentrantLock();
  // Copy-on-write: a worker given up on (stuck in a task past its deadline) is replaced at run
  // time, while shutdownNow and awaitTermination walk the list.
  private final List<Worker> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Deadlines deadlines;
  private final Job.Replacer replacer =
      new Job.Replacer() {
        @Override
        public void replace(Job abandoned, Job remainder) {
          replaceWorker(abandoned, remainder);
        }
      };
  private int replacements; // under stateLock
  private final CountDownLatch terminated;
  private volatile int runState = RUNNING;
  private volatile boolean started;
  private volatile boolean threadsRunning; // written under stateLock

  /**
   * Creates the engine; its threads start with {@link #start(Recorder)}.
   *
   * @param name the prefix of the threads' names, such as {@code "weft-cpu-1"}
   * @param threads the number of worker threads
   * @param capacity how many accepted batches may wait
   */
  public ThreadEngine(String name, int threads, int capacity) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.name = name;
    this.threads = threads;
    this.room = new Semaphore(capacity);
    this.terminated = new CountDownLatch(threads);
    this.deadlines = new Deadlines(name + "-deadlines");
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public int parallelism() {
    return threads;
  }

  @Override
  public void start(Recorder recorder) {
    stateLock.lock();
    try {
      if (started) {
        throw new IllegalStateException("engine already started");
      }
      for (int i = 1; i <= threads; i++) {
        String threadName = name + "-" + i;
        Worker w = new Worker(recorder.worker(threadName));
        w.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(w);
        workers.add(w);
      }
      started = true;
    } finally {
      stateLock.unlock();
    }
  }

  @Override
  public BatchControl execute(Batch<?, ?> batch, BatchCallback callback)
      throws InterruptedException {
    return enqueue(new Job(batch, callback, this, deadlines, replacer));
  }

  @Override
  public boolean supportsWorkLoops() {
    return true;
  }

  @Override
  public BatchControl executeLoop(WorkLoop loop) throws InterruptedException {
    return enqueue(new Job(loop, this));
  }

  private Job enqueue(Job job) throws InterruptedException {
    if (!started) {
      throw new IllegalStateException("engine not started");
    }
    room.acquire();
    stateLock.lock();
    try {
      if (runState != RUNNING) {
        room.release();
        throw new RejectedExecutionException("pool is shut down");
      }
      if (!threadsRunning) {
        // Threads start with the first work, as a ThreadPoolExecutor's do: creating a pool costs
        // no thread starts, and the JDK's first park of a thread (which initialises ForkJoinPool
        // and the lambda machinery, milliseconds) happens only in a program that uses the pool.
        for (Worker w : workers) {
          w.thread.start();
        }
        threadsRunning = true;
      }
      queue.add(job);
    } finally {
      stateLock.unlock();
    }
    return job;
  }

  @Override
  public void shutdown() {
    stateLock.lock();
    try {
      if (runState == RUNNING) {
        runState = SHUTDOWN;
        for (int i = 0; i < threads; i++) {
          queue.add(STOP_MARKER);
        }
        terminateIfNoThreads();
      }
    } finally {
      stateLock.unlock();
    }
  }

  @Override
  public void shutdownNow() {
    stateLock.lock();
    try {
      if (runState == STOP) {
        return;
      }
      runState = STOP;
      terminateIfNoThreads();
    } finally {
      stateLock.unlock();
    }
    List<Job> waiting = new ArrayList<>();
    queue.drainTo(waiting);
    for (Job job : waiting) {
      if (job != STOP_MARKER) {
        room.release();
        job.cancel();
      }
    }
    for (Worker w : workers) {
      Job running = w.current;
      if (running != null) {
        running.cancel();
      }
    }
    for (int i = 0; i < threads; i++) {
      queue.add(STOP_MARKER);
    }
  }

  /**
   * Once shut down, threads that never started never will (they start only in state RUNNING, under
   * the same lock): count them as terminated. Under {@code stateLock}.
   */
  private void terminateIfNoThreads() {
    if (!threadsRunning) {
      while (terminated.getCount() > 0) {
        terminated.countDown();
      }
    }
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    if (!started) {
      return runState != RUNNING;
    }
    if (!terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    if (threadsRunning) {
      for (Worker w : workers) {
        w.thread.join();
      }
    }
    return true;
  }

  @Override
  public boolean isTerminated() {
    return started ? terminated.getCount() == 0 : runState != RUNNING;
  }

  private final class Worker implements Runnable {
    private final WorkerRecorder recorder;
    private Thread thread;
    private volatile Job current;
    private volatile boolean retired;
    private Job first; // the rest of a batch given up on, run before the queue

    Worker(WorkerRecorder recorder) {
      this.recorder = recorder;
    }

    @Override
    public void run() {
      try {
        while (true) {
          long waitStart = System.nanoTime();
          Job job;
          if (first != null) {
            job = first;
            first = null;
          } else {
            try {
              job = queue.take();
            } catch (InterruptedException e) {
              // Only shutdownNow interrupts an idle worker; the stop marker follows.
              continue;
            }
            recorder.idle(waitStart, System.nanoTime());
            if (job == STOP_MARKER) {
              return;
            }
            room.release();
          }
          current = job;
          if (runState == STOP) {
            job.cancel();
          }
          job.runOn(recorder);
          current = null;
          if (job.wasAbandoned()) {
            // The engine gave up on this thread while it was stuck in a task, and a replacement
            // has taken its place (and its count in `terminated`): leave without a trace.
            retired = true;
            return;
          }
        }
      } finally {
        if (!retired) {
          terminated.countDown();
        }
      }
    }
  }

  /**
   * Gives the place of a worker stuck in a task past its deadline to a new thread, which runs the
   * rest of the stuck batch first. The stuck thread is left to finish its task and leave; it no
   * longer counts for termination.
   */
  private void replaceWorker(Job abandoned, Job remainder) {
    stateLock.lock();
    try {
      Worker stuck = null;
      for (Worker w : workers) {
        if (w.current == abandoned) {
          stuck = w;
          break;
        }
      }
      if (stuck == null) {
        // The job had not been taken from the queue by a worker (it never is: only running
        // jobs are watched); nothing to replace, but the remainder must still run.
        if (remainder != null) {
          queue.add(remainder);
        }
        return;
      }
      stuck.retired = true;
      workers.remove(stuck);
      replacements++;
      String threadName = name + "-r" + replacements;
      Worker w = new Worker(stuck.recorder);
      w.first = remainder;
      w.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(w);
      workers.add(w);
      stuck.thread.setName(stuck.thread.getName() + "-abandoned");
      w.thread.start();
    } finally {
      stateLock.unlock();
    }
  }
}
