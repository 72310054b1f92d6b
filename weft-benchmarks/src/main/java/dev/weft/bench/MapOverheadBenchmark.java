package dev.weft.bench;

import com.pivovarit.collectors.ParallelCollectors;
import dev.weft.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Gatherers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does it cost to hand a tiny task to a pool? Squares 1,000,000 boxed {@code Integer}s taken
 * from a pre-built {@code List} and collects the results as a {@code List}, once per strategy: a
 * sequential loop, a parallel stream, weft's {@code Pool.map}, and the usual JDK and library ways
 * of running one task per item. The task itself takes about a nanosecond, so the score is almost
 * entirely the strategy's overhead: ns per task = score in ms / 1e6 items * 1e6 = the score read as
 * ns.
 *
 * <p>Every executor-based strategy shares one fixed pool of {@code availableProcessors()} platform
 * threads, and weft one {@code Pool.cpu()} of as many threads, both made once per trial, so the
 * score excludes thread start-up.
 *
 * <p>The 32 MB G1 regions matter: with the default 1 MB regions every 1,000,000-slot result array
 * (4 MB) is humongous, so it lives in the old generation, and a dead one keeps its million young
 * {@code Integer}s alive until a concurrent cycle: every young pause then copied the results of all
 * recent operations, and GC made up 90% of every strategy's time.
 *
 * <p>Run it with:
 *
 * <pre>
 * java -jar weft-benchmarks/target/benchmarks.jar MapOverheadBenchmark -f 1 -wi 5 -i 10 \
 *     -rf json -rff weft-benchmarks/target/map-overhead.json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xms2g",
      "-Xmx2g",
      "-XX:+UseG1GC",
      "-XX:G1HeapRegionSize=32m",
      "-XX:+AlwaysPreTouch"
    })
public class MapOverheadBenchmark {
  static final int ITEMS = 1_000_000;

  private List<Integer> inputs;
  private int cores;
  private Pool pool;
  private ExecutorService executor;

  @Setup(Level.Trial)
  public void setUp() {
    cores = Runtime.getRuntime().availableProcessors();
    // Values past 127 so that every result is a fresh Integer, as with real data.
    List<Integer> list = new ArrayList<>(ITEMS);
    for (int i = 0; i < ITEMS; i++) {
      list.add(i + 1_000);
    }
    inputs = list;
    pool = Pool.cpu();
    executor = Executors.newFixedThreadPool(cores);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
    executor.close();
  }

  @Benchmark
  public List<Integer> sequentialLoop() {
    List<Integer> out = new ArrayList<>(inputs.size());
    for (Integer x : inputs) {
      out.add(x * x);
    }
    return out;
  }

  @Benchmark
  public List<Integer> parallelStream() {
    return inputs.parallelStream().map(x -> x * x).toList();
  }

  @Benchmark
  public List<Integer> weftMap() throws InterruptedException {
    return pool.map(x -> x * x, inputs);
  }

  @Benchmark
  public List<Integer> executorSubmitPerItem() throws InterruptedException, ExecutionException {
    List<Future<Integer>> futures = new ArrayList<>(inputs.size());
    for (Integer x : inputs) {
      futures.add(executor.submit(() -> x * x));
    }
    List<Integer> out = new ArrayList<>(futures.size());
    for (Future<Integer> f : futures) {
      out.add(f.get());
    }
    return out;
  }

  @Benchmark
  public List<Integer> completableFuturePerItem() {
    List<CompletableFuture<Integer>> futures = new ArrayList<>(inputs.size());
    for (Integer x : inputs) {
      futures.add(CompletableFuture.supplyAsync(() -> x * x, executor));
    }
    List<Integer> out = new ArrayList<>(futures.size());
    for (CompletableFuture<Integer> f : futures) {
      out.add(f.join());
    }
    return out;
  }

  @Benchmark
  public List<Integer> gatherersMapConcurrent() {
    return inputs.stream().gather(Gatherers.mapConcurrent(cores, (Integer x) -> x * x)).toList();
  }

  @Benchmark
  public List<Integer> parallelCollectors() {
    return inputs.stream()
        .collect(ParallelCollectors.parallel(x -> x * x, Collectors.toList(), executor, cores))
        .join();
  }

  /** The library's own answer to per-item overhead: one task per thread's share of the input. */
  @Benchmark
  public List<Integer> parallelCollectorsBatching() {
    return inputs.stream()
        .collect(
            ParallelCollectors.Batching.parallel(
                (Integer x) -> x * x, Collectors.toList(), executor, cores))
        .join();
  }
}
