package dev.weft.cli;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Samples used heap on a daemon thread and keeps the maximum, to estimate a strategy's peak heap.
 *
 * <p>Used heap includes garbage not yet collected, so the figure is allocation pressure between
 * collections rather than the live set, and a peak shorter than the period can fall between two
 * samples. A platform thread, not a virtual one, so that it neither competes for nor waits on the
 * carrier threads a virtual-thread strategy is using.
 *
 * <p>Thread-safety: {@link #stop()} and {@link #close()} are for the thread that started it. The
 * maximum is written by the sampler thread only and read after joining it, which orders the reads.
 */
final class HeapSampler implements AutoCloseable {
  private final LongSupplier usedHeap;
  private final long periodNanos;
  private final Thread thread;
  private volatile boolean stopping;
  private long max;

  private HeapSampler(LongSupplier usedHeap, Duration period) {
    this.usedHeap = usedHeap;
    this.periodNanos = period.toNanos();
    this.max = used();
    this.thread = Thread.ofPlatform().name("weft-heap-sampler").daemon().unstarted(this::loop);
  }

  /**
   * Starts sampling.
   *
   * @param period the time between samples
   * @return the running sampler
   */
  static HeapSampler start(Duration period) {
    return start(HeapSampler::usedHeap, period);
  }

  /**
   * Starts sampling a given source.
   *
   * @param usedHeap reads the used heap in bytes
   * @param period the time between samples
   * @return the running sampler
   */
  static HeapSampler start(LongSupplier usedHeap, Duration period) {
    HeapSampler sampler = new HeapSampler(usedHeap, period);
    sampler.thread.start();
    return sampler;
  }

  private void loop() {
    while (!stopping) {
      max = Math.max(max, used());
      LockSupport.parkNanos(periodNanos);
    }
  }

  private long used() {
    return usedHeap.getAsLong();
  }

  /**
   * The heap in use, garbage included, as the runtime reports it: the same figure as the memory
   * MXBean's, without loading the management classes (about 30 ms of a command's start).
   */
  static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  /**
   * Stops sampling, takes one last sample and returns the largest.
   *
   * @return the most heap used at any sample, in bytes
   */
  long stop() {
    close();
    return Math.max(max, used());
  }

  @Override
  public void close() {
    stopping = true;
    LockSupport.unpark(thread);
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        // The sampler ends within one period; finish joining, then restore the caller's interrupt.
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
