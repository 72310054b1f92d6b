package dev.weft.bench;

import dev.weft.Pool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
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
 * How much of the machine does weft use when every task does real CPU work of a given size?
 * Parallel efficiency = (sequential time / cores) / parallel time, from the {@code sequential} and
 * {@code weftMap} scores of one run with the same {@code taskMicros}.
 *
 * <p>A task is a xorshift loop whose iteration count is calibrated so that one task takes {@code
 * taskMicros} on this machine; its result is kept in the result list, so the loop cannot be
 * removed. The loop is never inlined, so the JIT compiles it the same way whichever benchmark calls
 * it. Calibration is a best effort (the minimum over repeated timed runs after a warm-up); the
 * efficiency does not depend on it, because the sequential baseline is measured by JMH with the
 * same iteration count. Each fork calibrates anew; to give every fork exactly the same count, pass
 * {@code -p spinsPerMicro=N} (each fork prints the N it calibrated).
 *
 * <p>To keep one operation at about a second, the task count shrinks as tasks grow: 100,000 tasks
 * of 1 and 10 µs, 10,000 of 100 µs, 1,000 of 1,000 µs.
 *
 * <p>Two references tell weft's losses from the machine's: {@code staticSplit}, the ideal parallel
 * program (one contiguous slice per core on a ready thread pool, no coordination at all), whose
 * efficiency is what the machine gives to any parallel code at that moment; and {@code
 * parallelStream}, the JDK's answer.
 *
 * <p>Run it with:
 *
 * <pre>
 * java -jar weft-benchmarks/target/benchmarks.jar GranularityBenchmark -f 1 \
 *     -rf json -rff weft-benchmarks/target/granularity.json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xms2g",
      "-Xmx2g",
      "-XX:+UseG1GC",
      "-XX:G1HeapRegionSize=32m",
      "-XX:+AlwaysPreTouch"
    })
public class GranularityBenchmark {

  @Param({"1", "10", "100", "1000"})
  public int taskMicros;

  /** Loop iterations per µs; 0 calibrates in each fork. */
  @Param("0")
  public double spinsPerMicro;

  private List<Integer> inputs;
  private int spins;
  private Pool pool;
  private ExecutorService threads;

  @Setup(Level.Trial)
  public void setUp() {
    double rate = spinsPerMicro > 0 ? spinsPerMicro : calibrate();
    spins = (int) Math.max(1, Math.round(rate * taskMicros));
    int tasks = taskCount(taskMicros);
    List<Integer> list = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      list.add(i);
    }
    inputs = list;
    pool = Pool.cpu();
    threads = Executors.newFixedThreadPool(pool.parallelism());
    System.out.printf(
        "%n[granularity] spinsPerMicro=%.3f spins/task=%d tasks=%d cores=%d%n",
        rate, spins, tasks, pool.parallelism());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
    threads.close();
  }

  static int taskCount(int taskMicros) {
    return taskMicros <= 10 ? 100_000 : Math.max(1, 1_000_000 / taskMicros);
  }

  @Benchmark
  public List<Long> sequential() {
    List<Long> out = new ArrayList<>(inputs.size());
    for (Integer i : inputs) {
      out.add(spin(i, spins));
    }
    return out;
  }

  @Benchmark
  public List<Long> weftMap() throws InterruptedException {
    int n = spins;
    return pool.map(i -> spin(i, n), inputs);
  }

  @Benchmark
  public List<Long> parallelStream() {
    int n = spins;
    return inputs.parallelStream().map(i -> spin(i, n)).toList();
  }

  @Benchmark
  public List<Long> staticSplit() throws InterruptedException, ExecutionException {
    int n = inputs.size();
    int parts = pool.parallelism();
    Long[] out = new Long[n];
    List<Future<?>> futures = new ArrayList<>(parts);
    for (int p = 0; p < parts; p++) {
      int from = (int) ((long) n * p / parts);
      int to = (int) ((long) n * (p + 1) / parts);
      futures.add(
          threads.submit(() -> {
            for (int i = from; i < to; i++) {
              out[i] = spin(inputs.get(i), spins);
            }
          }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    return Arrays.asList(out);
  }

  /** The unit of work: {@code iterations} dependent xorshift steps, about 1 ns each. */
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  static long spin(int seed, int iterations) {
    long x = seed * 0x9E3779B97F4A7C15L + 1;
    for (int i = 0; i < iterations; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
    }
    return x;
  }

  /**
   * Iterations of {@link #spin} per microsecond on this thread, once the loop is compiled: the
   * fastest of many timed runs, because a run can only be slowed (by preemption), never sped up.
   */
  static double calibrate() {
    long sink = 0;
    // Long enough for C2 to compile spin, at every count used later.
    long warmUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
    while (System.nanoTime() < warmUntil) {
      sink += spin((int) sink, 10_000);
    }
    int iterations = 2_000_000;
    double[] rates = new double[41];
    for (int r = 0; r < rates.length; r++) {
      long start = System.nanoTime();
      sink += spin(r, iterations);
      long nanos = System.nanoTime() - start;
      rates[r] = iterations * 1_000.0 / nanos;
    }
    Arrays.sort(rates);
    if (sink == 42) {
      System.out.println();
    }
    return rates[rates.length - 1];
  }

  /**
   * Prints the calibration, to pin it for a run with {@code -p spinsPerMicro=N}.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    for (int i = 0; i < 3; i++) {
      System.out.printf("spinsPerMicro=%.3f%n", calibrate());
    }
  }
}
