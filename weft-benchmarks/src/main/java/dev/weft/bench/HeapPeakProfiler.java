package dev.weft.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that samples the used heap every millisecond during each iteration and reports its
 * peak ({@code heap.peak}) and how far it rose above the iteration's start ({@code heap.rise}), in
 * MB, averaged over iterations. Used heap includes garbage not yet collected, so both are upper
 * bounds of the live footprint; with {@code -gc true} JMH collects before each iteration, so the
 * rise is what the iteration allocated up to its peak. JMH's {@code -prof gc} counts allocation
 * exactly; this adds the peak, which allocation rates cannot show.
 *
 * <p>Use: {@code -prof dev.weft.bench.HeapPeakProfiler}.
 */
public final class HeapPeakProfiler implements InternalProfiler {
  private static final double MB = 1024.0 * 1024.0;

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final AtomicLong peak = new AtomicLong();
  private volatile boolean sampling;
  private Thread sampler;
  private long start;

  @Override
  public String getDescription() {
    return "Peak used heap during each iteration, sampled every millisecond";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    start = used();
    peak.set(start);
    sampling = true;
    sampler =
        Thread.ofPlatform()
            .name("heap-peak-sampler")
            .daemon(true)
            .start(() -> {
              while (sampling) {
                peak.accumulateAndGet(used(), Math::max);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
              }
            });
  }

  @Override
  @SuppressWarnings("rawtypes") // JMH's interface declares the raw type
  public List<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    sampling = false;
    try {
      sampler.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long max = Math.max(peak.get(), used());
    return List.of(
        new ScalarResult("heap.peak", max / MB, "MB", AggregationPolicy.AVG),
        new ScalarResult("heap.rise", (max - start) / MB, "MB", AggregationPolicy.AVG));
  }

  private long used() {
    return memory.getHeapMemoryUsage().getUsed();
  }
}
