package dev.weft.bench;

import dev.weft.Pool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parallel efficiency measured in pairs, for a machine whose load changes under the benchmark.
 *
 * <p>Question: what fraction of the ideal speed-up does {@code Pool.cpu().map} reach for tasks of
 * 1, 10, 100 and 1000 µs? {@link GranularityBenchmark} answers it with separate JMH forks for the
 * sequential and the parallel runs, which on a shared machine meet different loads (efficiencies
 * above 100% were seen). Here every round times the same tasks sequentially and then with weft,
 * back to back in one JVM, so both halves of a pair see nearly the same machine; the efficiency of
 * a round is {@code sequential / (cores × parallel)}, and the median over rounds is reported with
 * the lower and upper quartiles. The same pairing is done for a static split (one slice per core on
 * an already-running pool, no coordination), the ideal a parallel program can reach on this
 * machine.
 *
 * <p>Run (after {@code ./mvnw -B -f weft-benchmarks/pom.xml verify}):
 *
 * <pre>
 * java -Xms2g -Xmx2g -XX:+UseG1GC -XX:G1HeapRegionSize=32m -cp weft-benchmarks/target/benchmarks.jar \
 *     dev.weft.bench.EfficiencyProbe [rounds] [taskMicros ...]
 * </pre>
 *
 * Defaults: 15 rounds; task sizes 1, 10, 100, 1000 µs; 100,000 tasks per round at 1 and 10 µs and 1
 * s of work per round for the larger sizes, as in {@link GranularityBenchmark}.
 */
public final class EfficiencyProbe {
  private EfficiencyProbe() {}

  /**
   * Runs the probe and prints one line per task size.
   *
   * @param args the number of rounds, then the task sizes in µs
   * @throws Exception if a run fails
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int[] sizes =
        args.length > 1
            ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
            : new int[] {1, 10, 100, 1000};
    double rate = GranularityBenchmark.calibrate();
    try (Pool pool = Pool.cpu()) {
      int cores = pool.parallelism();
      System.out.printf(
          "efficiency probe: %d cores, %.1f spins/us, %d rounds per size (after 3 warm-up rounds)%n",
          cores, rate, rounds);
      System.out.printf(
          "%8s %9s %12s %12s %22s %22s%n",
          "task us", "tasks", "seq ms", "weft ms", "weft eff (q1-q3)", "static eff (q1-q3)");
      for (int micros : sizes) {
        probe(pool, cores, rate, micros, rounds);
      }
    }
  }

  private static void probe(Pool pool, int cores, double rate, int micros, int rounds)
      throws Exception {
    int spins = (int) Math.max(1, Math.round(rate * micros));
    int tasks = GranularityBenchmark.taskCount(micros);
    List<Integer> inputs = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      inputs.add(i);
    }
    double[] weft = new double[rounds];
    double[] ideal = new double[rounds];
    double[] seqMs = new double[rounds];
    double[] weftMs = new double[rounds];
    long sink = 0;
    for (int r = -3; r < rounds; r++) {
      long t0 = System.nanoTime();
      for (Integer i : inputs) {
        sink += GranularityBenchmark.spin(i, spins);
      }
      long t1 = System.nanoTime();
      List<Long> out = pool.map(i -> GranularityBenchmark.spin(i, spins), inputs);
      long t2 = System.nanoTime();
      sink += out.get(out.size() - 1);
      long t3 = System.nanoTime();
      sink += staticSplit(pool, inputs, spins, cores);
      long t4 = System.nanoTime();
      if (r >= 0) {
        double seq = t1 - t0;
        weft[r] = seq / (cores * (double) (t2 - t1));
        ideal[r] = seq / (cores * (double) (t4 - t3));
        seqMs[r] = seq / 1e6;
        weftMs[r] = (t2 - t1) / 1e6;
      }
    }
    System.out.printf(
        "%8d %9d %12.1f %12.1f %22s %22s%s%n",
        micros,
        tasks,
        median(seqMs),
        median(weftMs),
        quartiles(weft),
        quartiles(ideal),
        sink == 42 ? " " : "");
  }

  /** The ideal: one contiguous slice per core, as one batch each on the same pool. */
  private static long staticSplit(Pool pool, List<Integer> inputs, int spins, int cores)
      throws Exception {
    List<int[]> slices = new ArrayList<>(cores);
    for (int p = 0; p < cores; p++) {
      slices.add(
          new int[] {
            (int) ((long) inputs.size() * p / cores), (int) ((long) inputs.size() * (p + 1) / cores)
          });
    }
    List<Long> sums =
        pool.with(o -> o.withChunkSize(1))
            .map(
                slice -> {
                  long s = 0;
                  for (int i = slice[0]; i < slice[1]; i++) {
                    s += GranularityBenchmark.spin(inputs.get(i), spins);
                  }
                  return s;
                },
                slices);
    return sums.stream().mapToLong(Long::longValue).sum();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static String quartiles(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return String.format(
        "%.0f%% (%.0f-%.0f%%)",
        100 * sorted[n / 2], 100 * sorted[n / 4], 100 * sorted[(3 * n) / 4]);
  }
}
