package dev.weft.internal;

import dev.weft.spi.Batch;
import dev.weft.spi.BatchCallback;
import dev.weft.spi.BatchControl;
import dev.weft.spi.Engine;
import dev.weft.spi.Recorder;
import dev.weft.spi.WorkLoop;
import dev.weft.spi.WorkerRecorder;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One new virtual thread per batch, at most {@code maxConcurrency} at a time: the engine for IO
 * work, where tasks spend their time blocked and a thread per task is the simplest correct model.
 *
 * <p>Bounds: at most {@code maxConcurrency} batches run and at most {@code capacity} wait; {@link
 * #execute} blocks for room.
 *
 * <p>Implementation note: {@link #drain()} starts waiting batches while it can take a concurrency
 * permit. A finishing batch releases its permit and drains again, and {@code execute} drains after
 * it enqueues, so a waiting batch is never left behind with a free permit.
 */
public final class VirtualEngine implements Engine {
  private static final int RUNNING = 0;
  private static final int SHUTDOWN = 1;
  private static final int STOP = 2;

  private final int maxConcurrency;
  private final Semaphore concurrency;
  private final Semaphore room;
  private final ConcurrentLinkedQueue<Job> waiting = new ConcurrentLinkedQueue<>();
  private final Set<Job> live = ConcurrentHashMap.newKeySet();
  private final ThreadFactory factory;
  private final ReentrantLock stateLock = new ReentrantLock();
  private final Condition changed = stateLock.newCondition();
  private int outstanding;
  private volatile int runState = RUNNING;
  private WorkerRecorder recorder = WorkerRecorder.NONE;
  private final String name;
  private final Deadlines deadlines;
  private final Job.Replacer replacer =
      new Job.Replacer() {
        @Override
        public void replace(Job abandoned, Job remainder) {
          replaceThread(abandoned, remainder);
        }
      };

  /**
   * Creates the engine.
   *
   * @param name the prefix of the virtual threads' names
   * @param maxConcurrency how many batches may run at once
   * @param capacity how many accepted batches may wait
   */
  public VirtualEngine(String name, int maxConcurrency, int capacity) {
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException(
          "maxConcurrency must be at least 1, was " + maxConcurrency);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.name = name;
    this.maxConcurrency = maxConcurrency;
    this.concurrency = new Semaphore(maxConcurrency);
    this.room = new Semaphore(capacity);
    this.factory = Thread.ofVirtual().name(name + "-", 1).factory();
    this.deadlines = new Deadlines(name + "-deadlines");
  }

  @Override
  public String name() {
    return "io";
  }

  @Override
  public int parallelism() {
    return maxConcurrency;
  }

  @Override
  public void start(Recorder recorder) {
    this.recorder = recorder.worker(name);
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
    room.acquire();
    stateLock.lock();
    try {
      if (runState != RUNNING) {
        room.release();
        throw new RejectedExecutionException("pool is shut down");
      }
      outstanding++;
      live.add(job);
      waiting.add(job);
    } finally {
      stateLock.unlock();
    }
    drain();
    return job;
  }

  private void drain() {
    while (!waiting.isEmpty() && concurrency.tryAcquire()) {
      Job job = waiting.poll();
      if (job == null) {
        concurrency.release();
        continue;
      }
      room.release();
      startThread(job);
    }
  }

  private void startThread(Job job) {
    factory
        .newThread(() -> {
          try {
            job.runOn(recorder);
          } finally {
            if (!job.wasAbandoned()) {
              concurrency.release();
              drain();
              finished(job);
            } // else replaceThread did all three when the job was given up on
          }
        })
        .start();
  }

  /**
   * A thread stuck in a task past its deadline and grace no longer counts: its permit goes back,
   * the job counts as finished, and the rest of its batch runs on a new thread. The stuck thread
   * finishes its task on its own.
   */
  private void replaceThread(Job abandoned, Job remainder) {
    if (remainder != null) {
      stateLock.lock();
      try {
        outstanding++;
        live.add(remainder);
      } finally {
        stateLock.unlock();
      }
      if (runState == STOP) {
        remainder.cancel();
      }
      // The stuck thread's permit passes to the remainder's thread.
      startThread(remainder);
    } else {
      concurrency.release();
      drain();
    }
    finished(abandoned);
  }

  private void finished(Job job) {
    live.remove(job);
    stateLock.lock();
    try {
      outstanding--;
      if (outstanding == 0) {
        changed.signalAll();
      }
    } finally {
      stateLock.unlock();
    }
  }

  @Override
  public void shutdown() {
    stateLock.lock();
    try {
      if (runState == RUNNING) {
        runState = SHUTDOWN;
      }
      changed.signalAll();
    } finally {
      stateLock.unlock();
    }
  }

  @Override
  public void shutdownNow() {
    stateLock.lock();
    try {
      runState = STOP;
      changed.signalAll();
    } finally {
      stateLock.unlock();
    }
    Job job;
    while ((job = waiting.poll()) != null) {
      room.release();
      job.cancel();
      finished(job);
    }
    for (Job running : live) {
      running.cancel();
    }
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    stateLock.lock();
    try {
      while (runState == RUNNING || outstanding > 0) {
        if (nanos <= 0) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
      return true;
    } finally {
      stateLock.unlock();
    }
  }

  @Override
  public boolean isTerminated() {
    stateLock.lock();
    try {
      return runState != RUNNING && outstanding == 0;
    } finally {
      stateLock.unlock();
    }
  }

  /**
   * How many batches are accepted and not finished, for tests and diagnostics.
   *
   * @return the count
   */
  public int outstanding() {
    stateLock.lock();
    try {
      return outstanding;
    } finally {
      stateLock.unlock();
    }
  }
}
