package dev.weft.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Prints a showdown: a header describing the machine, one table row per strategy as soon as it has
 * been measured (so a long run shows its progress), then a legend and how each column was measured.
 *
 * <p>Not thread-safe; one report per run.
 */
final class ShowdownReport {
  private static final String ROW = "%-23s %10s %10s %13s %9s %11s%n";

  /** Decimal megabytes, as everywhere in weft. */
  private static final long MB = 1_000_000;

  private static final int WIDTH = 100;
  private final PrintWriter out;
  private final long cpuResolutionNanos;
  private final String baseline;
  private final String checked;
  private final List<Strategy<?, ?>> shown = new ArrayList<>();
  private final List<String> omitted = new ArrayList<>();
  private final List<Showdown.Result> results = new ArrayList<>();
  private final int cores = Runtime.getRuntime().availableProcessors();
  private long baselineNanos = -1;
  private long copiedBytes = -1;

  /**
   * A report that writes to {@code out}.
   *
   * @param out where to print
   * @param cpuResolutionNanos the step of the CPU clock, or {@link Showdown#NO_CPU_TIME}; CPU
   *     figures get no decimals when the step is a millisecond or more, so as not to suggest a
   *     precision the clock does not have
   * @param baseline the strategy whose wall time the speed-ups divide, the workload's first
   * @param checked how results were checked, for the legend: a sentence that ends with a period
   */
  ShowdownReport(PrintWriter out, long cpuResolutionNanos, String baseline, String checked) {
    this.out = out;
    this.cpuResolutionNanos = cpuResolutionNanos;
    this.baseline = baseline;
    this.checked = checked;
  }

  void header(String workload, int rounds, int warmup) {
    Runtime runtime = Runtime.getRuntime();
    out.printf(Locale.ROOT, "weft showdown: %s%n", workload);
    // Other processes' load shows up as wall time the CPU column does not account for.
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    out.printf(
        Locale.ROOT,
        "machine: %d cores, %s %s, load average %s | JVM %s (%s %s) | max heap %,d MB%n",
        runtime.availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        load < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", load),
        Runtime.version(),
        System.getProperty("java.vm.vendor"),
        System.getProperty("java.vm.name"),
        runtime.maxMemory() / MB);
    out.printf(
        Locale.ROOT,
        "each row: the median of %d round%s, after %d warm-up round%s per strategy%n%n",
        rounds,
        rounds == 1 ? "" : "s",
        warmup,
        warmup == 1 ? "" : "s");
    out.printf(
        Locale.ROOT,
        ROW,
        "strategy",
        "wall ms",
        "cpu ms",
        "peak heap MB",
        "speed-up",
        "efficiency");
    out.flush();
  }

  void row(Showdown.Result result) {
    Showdown.Measurement m = result.median();
    if (result.strategy().name().equals(baseline)) {
      baselineNanos = m.wallNanos();
    }
    shown.add(result.strategy());
    results.add(result);
    out.printf(
        Locale.ROOT,
        ROW,
        result.strategy().name(),
        millis(m.wallNanos(), 1),
        m.cpuNanos() == Showdown.NO_CPU_TIME
            ? "n/a"
            : millis(m.cpuNanos(), cpuResolutionNanos >= 1_000_000 ? 0 : 1),
        String.format(Locale.ROOT, "%.1f", (double) m.peakHeapBytes() / MB),
        speedUp(m.wallNanos()),
        efficiency(m.wallNanos()));
    out.flush();
  }

  private String efficiency(long wallNanos) {
    if (baselineNanos < 0) {
      return "-";
    }
    double percent = 100.0 * baselineNanos / Math.max(1, wallNanos) / cores;
    // Whole percents would print 0% for the slowest strategies.
    return String.format(Locale.ROOT, percent < 1 ? "%.2g%%" : "%.0f%%", percent);
  }

  /**
   * Prints the verdict under the table: what the rows mean for weft's strategy against the baseline
   * (see {@link Verdict}), or how to get one if either was left out.
   *
   * @param weft the name of weft's strategy in this workload
   * @param items how many items the workload has
   * @param noun what an item is called, singular
   */
  void verdict(String weft, long items, String noun) {
    Showdown.Result base = find(baseline);
    Showdown.Result ours = find(weft);
    out.println();
    if (base == null || ours == null) {
      item(
          "verdict:",
          "run both "
              + baseline
              + " and "
              + weft
              + " (see --only) for a verdict on this workload.");
      out.flush();
      return;
    }
    Showdown.Result fastest =
        results.stream()
            .min(java.util.Comparator.comparingLong(r -> r.median().wallNanos()))
            .orElseThrow();
    String text =
        new Verdict(
                items,
                noun,
                cores,
                baseline,
                base.median().wallNanos(),
                weft,
                ours.median().wallNanos(),
                fastest.strategy().name(),
                fastest.median().wallNanos(),
                base.median().cpuNanos(),
                ours.median().cpuNanos(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
            .text();
    StringBuilder notes = new StringBuilder(text.substring("verdict: ".length()));
    for (Showdown.Result r : results) {
      String name = r.strategy().name();
      String how =
          switch (name) {
            case "pool-processes" ->
                "serializing every " + noun + " and its result and handing batches to the workers";
            case "pool-processes-per-item" ->
                "a round trip to a worker per " + noun + ", serialized both ways";
            case "processes-shared" ->
                "each fresh worker attaching the segment and faulting its pages in (no copy; the"
                    + " page faults show as system time)";
            default -> null;
          };
      if (how != null && !name.equals(weft)) {
        notes
            .append(' ')
            .append(
                Verdict.processes(
                    name,
                    how,
                    cores,
                    items,
                    noun,
                    baseline,
                    base.median().wallNanos(),
                    r.median().wallNanos()));
      }
    }
    Showdown.Result copy = find("processes-copy");
    Showdown.Result shared = find("processes-shared");
    if (copiedBytes > 0 && copy != null && shared != null) {
      notes
          .append(' ')
          .append(
              Verdict.copy(
                  "processes-copy",
                  copy.median().wallNanos(),
                  "processes-shared",
                  shared.median().wallNanos(),
                  copiedBytes));
    }
    item("verdict:", notes.toString());
    out.flush();
  }

  /**
   * Makes the verdict compare passing an array by copy with passing it by shared memory.
   *
   * @param bytes the array's size
   */
  void copiedBytes(long bytes) {
    this.copiedBytes = bytes;
  }

  private Showdown.Result find(String name) {
    return results.stream().filter(r -> r.strategy().name().equals(name)).findFirst().orElse(null);
  }

  private String speedUp(long wallNanos) {
    if (baselineNanos < 0) {
      return "-";
    }
    double ratio = (double) baselineNanos / Math.max(1, wallNanos);
    // Two decimals would print 0.00x for the slowest strategies; keep three significant digits.
    return String.format(Locale.ROOT, ratio < 0.1 ? "%.3gx" : "%.2fx", ratio);
  }

  void footer() {
    out.println();
    out.println("strategies:");
    for (Strategy<?, ?> strategy : shown) {
      out.printf(Locale.ROOT, "  %-23s %s%n", strategy.name(), strategy.description());
    }
    for (String line : omitted) {
      out.println(line);
    }
    out.println();
    out.println("how it was measured:");
    item(
        "wall",
        "System.nanoTime around the strategy's call only: each round creates its pool or executor"
            + " before the clock starts and closes it after the clock stops"
            + (hasWorkers()
                ? "; a pool of worker processes is created with its workers started, connected and"
                    + " given warm-up tasks of the strategy's own function, so the JVMs' start-up,"
                    + " the codec's set-up and the workers' JIT are not in the figure."
                : "."));
    item(
        "cpu",
        "process CPU time (com.sun.management.OperatingSystemMXBean#getProcessCpuTime) across the"
            + " same interval, all threads of the JVM including GC and JIT"
            + (hasWorkers() ? ", plus the worker processes' CPU time (ProcessHandle.Info)" : "")
            + cpuResolution()
            + ".");
    item(
        "heap",
        String.format(
            Locale.ROOT,
            "System.gc() before each round, then used heap (MemoryMXBean) sampled every %d ms by a"
                + " daemon thread; the largest sample minus the used heap right after the GC. It"
                + " counts garbage not yet collected and can miss a peak shorter than a sample"
                + " period%s.%s 1 MB = 1,000,000 bytes.",
            Showdown.SAMPLE_PERIOD.toMillis(),
            g1RegionSize()
                .map(r ->
                    "; G1 counts young space in whole regions, so figures move in"
                        + " steps of "
                        + String.format(Locale.ROOT, "%.1f", (double) r / MB)
                        + " MB here")
                .orElse(""),
            hasWorkers() ? " It is this JVM's heap only, not the worker processes'." : ""));
    item(
        "speed-up",
        "the "
            + baseline
            + " row's wall time divided by this row's"
            + (baselineNanos < 0
                ? " (not shown: " + baseline + " was not run; add it to --only)"
                : "")
            + ".");
    item(
        "efficiency",
        String.format(
            Locale.ROOT,
            "the speed-up divided by the cores (%d here): 100%% means every core did the %s"
                + " row's work with nothing lost.",
            cores,
            baseline));
    item("checked", checked);
    out.flush();
  }

  /**
   * Lists a strategy that the default run leaves out, with the reason, under the legend.
   *
   * @param name the strategy
   * @param why why it was not run and how to run it
   */
  void omitted(String name, String why) {
    omitted.add(String.format(Locale.ROOT, "  %-23s not run: %s", name, why));
  }

  private boolean hasWorkers() {
    return shown.stream()
        .anyMatch(s -> s.name().startsWith("pool-processes") || s.name().startsWith("processes-"));
  }

  private String cpuResolution() {
    if (cpuResolutionNanos == Showdown.NO_CPU_TIME) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "; this clock advances in steps of %s ms here",
        cpuResolutionNanos >= 1_000_000
            ? String.format(Locale.ROOT, "%,.0f", cpuResolutionNanos / 1e6)
            : String.format(Locale.ROOT, "%.3f", cpuResolutionNanos / 1e6));
  }

  /** Prints {@code text} after a label, wrapped with a hanging indent so the labels line up. */
  private void item(String label, String text) {
    String indent = " ".repeat(13);
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-10s ", label));
    for (String word : text.split(" ")) {
      if (line.length() + 1 + word.length() > WIDTH && line.length() > indent.length()) {
        out.println(line.toString().stripTrailing());
        line = new StringBuilder(indent);
      }
      if (line.length() > indent.length()) {
        line.append(' ');
      }
      line.append(word);
    }
    out.println(line);
  }

  private static String millis(long nanos, int decimals) {
    return String.format(Locale.ROOT, "%,." + decimals + "f", nanos / 1e6);
  }

  /** The G1 region size when G1 is the collector, read from the running VM's flags. */
  private static Optional<Long> g1RegionSize() {
    try {
      var diagnostics =
          ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      if (diagnostics == null || !"true".equals(diagnostics.getVMOption("UseG1GC").getValue())) {
        return Optional.empty();
      }
      return Optional.of(Long.parseLong(diagnostics.getVMOption("G1HeapRegionSize").getValue()));
    } catch (IllegalArgumentException e) {
      // A VM without these flags (not HotSpot, or a future release) simply gets no remark.
      return Optional.empty();
    }
  }
}
