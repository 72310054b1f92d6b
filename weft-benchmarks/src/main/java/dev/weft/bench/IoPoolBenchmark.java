package dev.weft.bench;

import dev.weft.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How close does {@code Pool.io} come to the ideal wall time for blocking work, and what heap does
 * it need? 10,000 tasks each sleep 100 ms, at most {@code maxConcurrency} at once: the ideal is
 * 10,000 / maxConcurrency × 100 ms, that is 1,000 ms at 1,000 and 100 ms at 10,000. The baseline is
 * the JDK's idiom for the same job: {@code Executors.newVirtualThreadPerTaskExecutor()}, one submit
 * per task, concurrency capped by a {@link Semaphore} inside the task as JEP 444 advises.
 *
 * <p>One operation is one whole batch of 10,000 tasks, timed single-shot. Heap comes from the
 * profilers: {@code -prof gc} (allocation per operation) and {@link HeapPeakProfiler} (peak used
 * heap).
 *
 * <p>Run it with:
 *
 * <pre>
 * java -jar weft-benchmarks/target/benchmarks.jar IoPoolBenchmark -f 1 -gc true \
 *     -prof gc -prof dev.weft.bench.HeapPeakProfiler \
 *     -rf json -rff weft-benchmarks/target/io-pool.json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"})
public class IoPoolBenchmark {
  static final int TASKS = 10_000;
  static final long SLEEP_MILLIS = 100;

  @Param({"1000", "10000"})
  public int maxConcurrency;

  @Param({"weft", "jdkVirtual"})
  public String impl;

  private List<Integer> inputs;
  private Pool pool;
  private ExecutorService executor;
  private Semaphore permits;

  @Setup(Level.Trial)
  public void setUp() {
    List<Integer> list = new ArrayList<>(TASKS);
    for (int i = 0; i < TASKS; i++) {
      list.add(i);
    }
    inputs = list;
    switch (impl) {
      case "weft" -> pool = Pool.io(maxConcurrency);
      case "jdkVirtual" -> {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        permits = new Semaphore(maxConcurrency);
      }
      default -> throw new IllegalArgumentException("unknown impl " + impl);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (pool != null) {
      pool.close();
    }
    if (executor != null) {
      executor.close();
    }
  }

  @Benchmark
  public List<Integer> sleepAll() throws InterruptedException, ExecutionException {
    return pool != null ? weft() : jdkVirtual();
  }

  private List<Integer> weft() throws InterruptedException {
    return pool.map(
        i -> {
          Thread.sleep(SLEEP_MILLIS);
          return i;
        },
        inputs);
  }

  private List<Integer> jdkVirtual() throws InterruptedException, ExecutionException {
    List<Future<Integer>> futures = new ArrayList<>(inputs.size());
    for (Integer i : inputs) {
      futures.add(
          executor.submit(() -> {
            permits.acquire();
            try {
              Thread.sleep(SLEEP_MILLIS);
            } finally {
              permits.release();
            }
            return i;
          }));
    }
    List<Integer> out = new ArrayList<>(futures.size());
    for (Future<Integer> f : futures) {
      out.add(f.get());
    }
    return out;
  }
}
