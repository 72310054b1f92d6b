package dev.weft.bench;

import dev.weft.Pool;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
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
 * Is weft's best way to square a million (or a hundred million) integers as fast as the JDK's, and
 * faster than a plain loop? Two jobs over a pre-built {@code int[]}, each three ways: a sequential
 * loop, {@code IntStream.range(0, n).parallel()} on the common pool, and weft's primitive kernels
 * on a {@code Pool.cpu()} made once per trial.
 *
 * <ul>
 *   <li>square every element into a new {@code int[]}: {@code squareLoop}, {@code squareIntStream},
 *       {@code squareWeft} ({@link Pool#mapInts}); {@code squareClone} copies the array with {@code
 *       clone()}, the cost of allocating and writing the result with no arithmetic, to show how
 *       much of the job is memory traffic;
 *   <li>the sum of the squares as a {@code long}: {@code sumLoop}, {@code sumIntStream}, {@code
 *       sumWeft} ({@link Pool#sumLongs}).
 * </ul>
 *
 * <p>A 100M-element array is 400 MB, hence the 3 GB heap; with 32 MB G1 regions a 1M-element array
 * (4 MB) is an ordinary young object (see {@code MapOverheadBenchmark}), while 400 MB arrays are
 * humongous whatever the region size.
 *
 * <p>Run it with:
 *
 * <pre>
 * java -jar weft-benchmarks/target/benchmarks.jar KernelBenchmark -f 1 -wi 3 -i 5 \
 *     -rf json -rff weft-benchmarks/target/runs/kernels.json
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
      "-Xms3g",
      "-Xmx3g",
      "-XX:+UseG1GC",
      "-XX:G1HeapRegionSize=32m",
      "-XX:+AlwaysPreTouch"
    })
public class KernelBenchmark {
  @Param({"1000000", "100000000"})
  int size;

  private int[] a;
  private int[] into;
  private Pool pool;

  @Setup(Level.Trial)
  public void setUp() {
    a = new int[size];
    for (int i = 0; i < size; i++) {
      a[i] = (i * 31 + 7) & 0xFFFF; // squares fit an int; their sum needs a long
    }
    into = new int[size];
    pool = Pool.cpu();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
  }

  @Benchmark
  public int[] squareLoop() {
    int[] in = a;
    int[] out = new int[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = in[i] * in[i];
    }
    return out;
  }

  @Benchmark
  public int[] squareIntStream() {
    int[] in = a;
    return IntStream.range(0, in.length).parallel().map(i -> in[i] * in[i]).toArray();
  }

  @Benchmark
  public int[] squareWeft() throws InterruptedException {
    return pool.mapInts(a, x -> x * x);
  }

  @Benchmark
  public int[] squareClone() {
    return a.clone();
  }

  @Benchmark
  public int[] squareIntoLoop() {
    int[] in = a;
    int[] out = into;
    for (int i = 0; i < in.length; i++) {
      out[i] = in[i] * in[i];
    }
    return out;
  }

  @Benchmark
  public int[] squareIntoWeft() throws InterruptedException {
    int[] in = a;
    int[] out = into;
    pool.forRange(
        0,
        in.length,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            out[i] = in[i] * in[i];
          }
        });
    return out;
  }

  @Benchmark
  public long sumLoop() {
    int[] in = a;
    long sum = 0;
    for (int i = 0; i < in.length; i++) {
      sum += (long) in[i] * in[i];
    }
    return sum;
  }

  @Benchmark
  public long sumIntStream() {
    int[] in = a;
    return IntStream.range(0, in.length).parallel().mapToLong(i -> (long) in[i] * in[i]).sum();
  }

  @Benchmark
  public long sumWeft() throws InterruptedException {
    int[] in = a;
    return pool.sumLongs(0, in.length, i -> (long) in[i] * in[i]);
  }
}
