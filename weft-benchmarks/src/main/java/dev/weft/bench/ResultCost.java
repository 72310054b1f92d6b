package dev.weft.bench;

import dev.weft.Pool;
import dev.weft.TaskFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;

/**
 * Where a 1 µs map's last points of efficiency go: the scheduling, or the boxed result of each
 * task?
 *
 * <p>Question: at 1 µs per task, {@link EfficiencyTable} finds weft and ForkJoin about ten points
 * below the static split. Is that their scheduling, or the result each task returns, boxed and
 * stored into the output, which the static split's loop does not keep? Each contender maps the same
 * 100,000 calibrated tasks twice, once returning a freshly boxed {@code Long} and once returning a
 * constant (the same work, no allocation), beside the static split and a sequential loop, in rounds
 * that rotate the order; efficiency = sequential / (2 x wall), medians.
 *
 * <pre>
 * java -Xms2g -Xmx2g -XX:+UseG1GC -XX:G1HeapRegionSize=32m -cp weft-benchmarks/target/benchmarks.jar \
 *     dev.weft.bench.ResultCost [rounds] [taskMicros]
 * </pre>
 */
public final class ResultCost {
  private static final Object CONSTANT = new Object();

  private ResultCost() {}

  /**
   * Runs the rounds.
   *
   * @param args the number of measured rounds (default 60), then the task size in µs (default 1)
   * @throws Exception if a call fails
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int micros = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int spins = (int) Math.max(1, Math.round(GranularityBenchmark.calibrate() * micros));
    int n = GranularityBenchmark.taskCount(micros);
    List<Integer> inputs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      inputs.add(i);
    }
    TaskFunction<Integer, Long> weftBoxed = i -> GranularityBenchmark.spin(i, spins);
    TaskFunction<Integer, Object> weftConstant =
        i -> GranularityBenchmark.spin(i, spins) == 42 ? inputs : CONSTANT;
    Function<Integer, Long> fjBoxed = i -> GranularityBenchmark.spin(i, spins);
    Function<Integer, Object> fjConstant =
        i -> GranularityBenchmark.spin(i, spins) == 42 ? inputs : CONSTANT;
    List<int[]> slices = List.of(new int[] {0, n / 2}, new int[] {n / 2, n});
    TaskFunction<int[], Long> slice =
        s -> {
          long x = 0;
          for (int i = s[0]; i < s[1]; i++) {
            x += GranularityBenchmark.spin(inputs.get(i), spins);
          }
          return x;
        };
    String[] names = {
      "weft, boxed result",
      "weft, constant result",
      "ForkJoin, boxed result",
      "ForkJoin, constant result",
      "static split",
      "sequential"
    };
    int c = names.length;
    double[][] ms = new double[c][rounds];
    long sink = 0;
    try (Pool pool = Pool.cpu(2);
        ForkJoinPool forkJoin = new ForkJoinPool(2)) {
      for (int r = -rounds / 5; r < rounds; r++) {
        for (int k = 0; k < c; k++) {
          int who = Math.floorMod(k + r, c);
          long start = System.nanoTime();
          switch (who) {
            case 0 -> sink += pool.map(weftBoxed, inputs).size();
            case 1 -> sink += pool.map(weftConstant, inputs).size();
            case 2 ->
                sink +=
                    forkJoin
                        .submit(() -> inputs.parallelStream().map(fjBoxed).toList())
                        .get()
                        .size();
            case 3 ->
                sink +=
                    forkJoin
                        .submit(() -> inputs.parallelStream().map(fjConstant).toList())
                        .get()
                        .size();
            case 4 -> sink += pool.with(o -> o.withChunkSize(1)).map(slice, slices).getLast();
            default -> {
              for (Integer i : inputs) {
                sink += GranularityBenchmark.spin(i, spins);
              }
            }
          }
          if (r >= 0) {
            ms[who][r] = (System.nanoTime() - start) / 1e6;
          }
        }
      }
    }
    double[] median = new double[c];
    for (int k = 0; k < c; k++) {
      median[k] = EfficiencyTable.median(ms[k]);
    }
    System.out.printf(
        "%d tasks of %d us, 2 workers, %d rounds; CPU %s%n", n, micros, rounds, cpuName());
    for (int k = 0; k < c; k++) {
      System.out.printf(
          "%-26s median %8.2f ms  efficiency %3.0f%%%n",
          names[k], median[k], 100 * median[c - 1] / (2 * median[k]));
    }
    if (sink == 42) {
      System.out.println();
    }
  }

  private static String cpuName() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: leave it out
    }
    return "(unknown)";
  }
}
