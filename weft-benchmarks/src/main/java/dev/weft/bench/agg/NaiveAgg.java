package dev.weft.bench.agg;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.DoubleSummaryStatistics;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The baseline that issue 4 measures weft against: min/mean/max per station of a {@code
 * station;temperature} file the way most Java code would write it, a parallel {@code Files.lines}
 * stream grouped with {@code Collectors.groupingBy}: a {@code String} per line, two more per split,
 * a boxed entry per group per thread.
 *
 * <p>Run by {@code weft-benchmarks/scripts/agg-showdown.sh}; on its own:
 *
 * <pre>
 * java -cp weft-benchmarks/target/benchmarks.jar dev.weft.bench.agg.NaiveAgg measurements.txt
 * </pre>
 *
 * Prints the same lines as {@code weft agg FILE --key 1 --value 2 --delimiter ';'}.
 */
public final class NaiveAgg {
  private NaiveAgg() {}

  /**
   * Aggregates the file named by the first argument and prints one line per station.
   *
   * @param args the file
   * @throws IOException if the file cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: NaiveAgg FILE");
      System.exit(2);
    }
    long start = System.nanoTime();
    Map<String, DoubleSummaryStatistics> byStation;
    try (Stream<String> lines = Files.lines(Path.of(args[0]))) {
      byStation =
          lines
              .parallel()
              .collect(
                  Collectors.groupingBy(
                      line -> line.substring(0, line.indexOf(';')),
                      TreeMap::new,
                      Collectors.summarizingDouble(
                          line -> Double.parseDouble(line.substring(line.indexOf(';') + 1)))));
    }
    long rows = 0;
    PrintStream out =
        new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
    for (Map.Entry<String, DoubleSummaryStatistics> e : byStation.entrySet()) {
      DoubleSummaryStatistics s = e.getValue();
      rows += s.getCount();
      out.printf(
          Locale.ROOT, "%s=%.1f/%.1f/%.1f%n", e.getKey(), s.getMin(), s.getAverage(), s.getMax());
    }
    out.flush();
    System.err.printf(
        Locale.ROOT, "naive: rows %d, %.3f s%n", rows, (System.nanoTime() - start) / 1e9);
  }
}
