package dev.weft.bench;

import dev.weft.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * Boxed squares, weft beside {@code parallelStream}, paired in one JVM.
 *
 * <p>Question: is {@code Pool.cpu().map(x -> x * x, list)} within 1.1x of {@code
 * list.parallelStream().map(x -> x * x).toList()} on 1,000,000 boxed integers? {@link
 * MapOverheadBenchmark} answers it in separate JMH forks, which on a shared 2-core machine meet
 * different loads (the ratio moved between 0.9x and 1.3x from run to run). Here the contenders (and
 * a sequential loop) alternate call by call in one JVM, in an order that rotates, so each meets the
 * same machine; after a warm-up the median, lower and upper quartile of each are printed, and the
 * ratio of the medians.
 *
 * <pre>
 * java -Xms2g -Xmx2g -XX:+UseG1GC -XX:G1HeapRegionSize=32m -cp weft-benchmarks/target/benchmarks.jar \
 *     dev.weft.bench.PairedSquares [calls]
 * </pre>
 */
public final class PairedSquares {
  private PairedSquares() {}

  /**
   * Runs the pairs.
   *
   * @param args the number of measured calls of each contender (default 300)
   * @throws Exception if a call fails
   */
  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int warmup = calls / 3;
    List<Integer> inputs = new ArrayList<>(MapOverheadBenchmark.ITEMS);
    for (int i = 0; i < MapOverheadBenchmark.ITEMS; i++) {
      inputs.add(i + 1_000); // past the Integer cache, as in MapOverheadBenchmark
    }
    String[] names = {"weft map", "parallelStream", "sequential loop"};
    double[][] ms = new double[3][calls];
    long sink = 0;
    try (Pool pool = Pool.cpu()) {
      for (int k = -warmup; k < calls; k++) {
        for (int c = 0; c < 3; c++) {
          int who = Math.floorMod(c + k, 3);
          long start = System.nanoTime();
          List<Integer> out;
          if (who == 0) {
            out = pool.map(x -> x * x, inputs);
          } else if (who == 1) {
            out = inputs.parallelStream().map(x -> x * x).toList();
          } else {
            out = new ArrayList<>(inputs.size());
            for (Integer x : inputs) {
              out.add(x * x);
            }
          }
          double took = (System.nanoTime() - start) / 1e6;
          sink += out.get(out.size() - 1);
          if (k >= 0) {
            ms[who][k] = took;
          }
        }
      }
    }
    double[] medians = new double[3];
    for (int c = 0; c < 3; c++) {
      medians[c] = EfficiencyTable.median(ms[c]);
      System.out.printf(
          "%-16s median %6.2f ms (q1 %.2f, q3 %.2f)%n",
          names[c],
          medians[c],
          EfficiencyTable.quantile(ms[c], 0.25),
          EfficiencyTable.quantile(ms[c], 0.75));
    }
    System.out.printf(
        "weft / parallelStream: %.2fx; %d calls each, 1,000,000 boxed squares%s%n",
        medians[0] / medians[1], calls, sink == 42 ? " " : "");
  }
}
