package dev.weft.cli;

import java.util.Locale;

/**
 * The paragraph under a showdown's table that says what the figures mean: whether parallelism paid,
 * and why, from the measurements alone. Without it a newcomer reads "pool-cpu 0.76x" on a workload
 * of one multiplication per task and concludes that weft is slow, when no scheduler can hand out a
 * task for less than the task costs.
 *
 * <p>The per-item cost of a parallel strategy is the core time it used beyond the baseline's:
 * (cores × its wall time − the baseline's wall time) / items. It counts every idle or waiting core
 * as cost, which is what a user pays for, and needs no CPU clock (whose 10 ms steps are coarse
 * beside short rounds).
 *
 * <p>Other processes distort every figure, and a parallel row that was denied its cores looks like
 * one whose tasks are too small. When the load average exceeds {@link #BUSY_LOAD} times the cores,
 * or the single-threaded baseline was off the CPU for a fifth of its time, the verdict says so; and
 * when weft's row then also got fewer than {@link #BUSY_CORES} of its cores, it does not blame the
 * task size at all.
 *
 * @param items how many items the workload has (tasks, integers, lines)
 * @param noun what one item is called, singular
 * @param cores the cores the JVM may use
 * @param baseline the baseline strategy's name (a sequential program)
 * @param baselineNanos its wall time
 * @param weft weft's strategy's name
 * @param weftNanos its wall time
 * @param fastest the fastest strategy's name
 * @param fastestNanos its wall time
 * @param baselineCpuNanos the baseline's process CPU time, or a negative number if unknown
 * @param weftCpuNanos weft's row's process CPU time, or a negative number if unknown
 * @param loadAverage the system load average over the last minute, or a negative number if unknown
 */
record Verdict(
    long items,
    String noun,
    int cores,
    String baseline,
    long baselineNanos,
    String weft,
    long weftNanos,
    String fastest,
    long fastestNanos,
    long baselineCpuNanos,
    long weftCpuNanos,
    double loadAverage) {

  /** A load average above this many times the cores means other processes wanted the cores too. */
  static final double BUSY_LOAD = 1.5;

  /** Below this share of its cores' time on a CPU, a parallel row left cores unused. */
  static final double BUSY_CORES = 0.75;

  /**
   * Below this share of its wall time on a CPU, the single-threaded baseline was kept waiting by
   * other processes.
   */
  static final double BUSY_SHARE = 0.8;

  /** The shortest baseline whose CPU share is judged: the CPU clock moves in 10 ms steps. */
  static final long MIN_JUDGED_NANOS = 200_000_000;

  /** An efficiency from which parallelism is said to pay fully. */
  static final double GOOD_EFFICIENCY = 0.7;

  /**
   * The paragraph, starting "verdict:".
   *
   * @return the text, unwrapped
   */
  String text() {
    double speedUp = (double) baselineNanos / Math.max(1, weftNanos);
    double efficiency = speedUp / cores;
    double work = (double) baselineNanos / Math.max(1, items);
    double cost = ((double) cores * weftNanos - baselineNanos) / Math.max(1, items);
    StringBuilder s = new StringBuilder("verdict: ");
    String perItem =
        String.format(
            Locale.ROOT,
            "each %s is about %s of work (%s's time / %,d), and %s spends about %s of core time"
                + " per %s beyond it ((%d cores x its time - %s's time) / %,d)",
            noun,
            duration(work),
            baseline,
            items,
            weft,
            duration(Math.max(0, cost)),
            noun,
            cores,
            baseline,
            items);
    if (cost <= 0) {
      s.append(
          String.format(
              Locale.ROOT,
              "%s is %s faster than %s, more than %d cores can explain: each %s took about %s on"
                  + " %s's one core and %s of core time in %s (%d cores x its time / %,d), so %s"
                  + " did more work per %s or was slowed more (by other load or a cold JIT; the"
                  + " cpu column tells which).",
              weft,
              ratio(speedUp),
              baseline,
              cores,
              noun,
              duration(work),
              baseline,
              duration((double) cores * weftNanos / Math.max(1, items)),
              weft,
              cores,
              items,
              baseline,
              noun));
    } else if (speedUp < 1 && busy() != null && weftStarved()) {
      // The usual advice (tasks too small) would be wrong when the cores were not weft's to use.
      s.append(
          String.format(
              Locale.ROOT,
              "%s is %s slower than %s: %s. But the machine was busy (%s), so much of that cost is"
                  + " time other processes took: run again on an idle machine before drawing a"
                  + " conclusion.",
              weft,
              ratio(1 / speedUp),
              baseline,
              perItem,
              busy()));
      return s.toString();
    } else if (speedUp < 1) {
      s.append(
          String.format(
              Locale.ROOT,
              "%s is %s slower than %s: %s, %s the work itself. Parallelism cannot pay here; use a"
                  + " primitive kernel or a plain loop for work this small, or give each task more"
                  + " work (with tasks of %s or more, this cost is under 10%%).",
              weft,
              ratio(1 / speedUp),
              baseline,
              perItem,
              times(cost / work),
              duration(10 * cost)));
    } else if (efficiency < GOOD_EFFICIENCY) {
      s.append(
          String.format(
              Locale.ROOT,
              "%s is %s faster than %s with %d cores, %.0f%% of the ideal %dx: %s. %s",
              weft,
              ratio(speedUp),
              baseline,
              cores,
              100 * efficiency,
              cores,
              perItem,
              cost > 0.1 * work
                  ? String.format(
                      Locale.ROOT,
                      "That cost is %s the work: larger tasks (%s or more) would come closer to"
                          + " %dx.",
                      times(cost / work),
                      duration(10 * cost),
                      cores)
                  : "The cost is small beside the work, so the loss is elsewhere: other load on"
                      + " the machine (see the load average), memory bandwidth or garbage"
                      + " collection (see the cpu column)."));
    } else {
      s.append(
          String.format(
              Locale.ROOT,
              "%s is %s faster than %s with %d cores, %.0f%% of the ideal %dx: %s, %s the work:"
                  + " parallelism pays here.",
              weft,
              ratio(speedUp),
              baseline,
              cores,
              100 * efficiency,
              cores,
              perItem,
              times(cost / work)));
    }
    String busy = busy();
    if (busy != null && cost > 0) {
      s.append(
          String.format(
              Locale.ROOT,
              " Caution: the machine was busy (%s); every figure here is distorted by other"
                  + " processes, and the cost above includes their share. Run again on an idle"
                  + " machine.",
              busy));
    } else if (weftStarved()) {
      s.append(
          String.format(
              Locale.ROOT,
              " %s kept only %.1f of the %d cores busy on average: its threads waited the rest of"
                  + " the time.",
              weft,
              weftCores(),
              cores));
    }
    if (cores == 1) {
      s.append(" With one core no strategy can run anything in parallel.");
    }
    if (!fastest.equals(weft) && fastestNanos < weftNanos) {
      s.append(
          String.format(
              Locale.ROOT,
              " Fastest here: %s, %s faster than %s.",
              fastest,
              ratio((double) weftNanos / Math.max(1, fastestNanos)),
              weft));
    }
    return s.toString();
  }

  /** Whether weft's row, long enough to judge, kept fewer cores busy than it had. */
  private boolean weftStarved() {
    return weftCpuNanos >= 0 && weftNanos >= MIN_JUDGED_NANOS && weftCores() < BUSY_CORES * cores;
  }

  /** How many cores weft's row kept busy on average. */
  private double weftCores() {
    return (double) weftCpuNanos / Math.max(1, weftNanos);
  }

  /** Why the figures were distorted by other processes, or null if nothing says they were. */
  String busy() {
    StringBuilder why = new StringBuilder();
    if (loadAverage > BUSY_LOAD * cores) {
      why.append(String.format(Locale.ROOT, "load average %.1f on %d cores", loadAverage, cores));
    }
    double share = (double) baselineCpuNanos / Math.max(1, baselineNanos);
    if (baselineCpuNanos >= 0 && baselineNanos >= MIN_JUDGED_NANOS && share < BUSY_SHARE) {
      why.append(why.isEmpty() ? "" : "; ")
          .append(
              String.format(
                  Locale.ROOT,
                  "%s, on one thread, was on a CPU for only %.0f%% of its wall time",
                  baseline,
                  100 * share));
    }
    if (why.isEmpty()) {
      return null;
    }
    if (weftStarved()) {
      why.append(
          String.format(
              Locale.ROOT,
              "; %s got only %.1f of the %d cores on average",
              weft,
              weftCores(),
              cores));
    }
    return why.toString();
  }

  /**
   * A sentence on a row of worker processes: how it compares with the baseline and what it costs
   * per item beyond it, by the same measure as {@link #text()}, and where that cost goes.
   *
   * @param name the row's strategy
   * @param how where the cost goes, as a noun phrase
   * @param cores the workers (one per core)
   * @param items the items
   * @param noun what an item is called
   * @param baseline the baseline's name
   * @param baselineNanos its wall time
   * @param nanos the row's wall time
   * @return the sentence
   */
  static String processes(
      String name,
      String how,
      int cores,
      long items,
      String noun,
      String baseline,
      long baselineNanos,
      long nanos) {
    double speedUp = (double) baselineNanos / Math.max(1, nanos);
    double work = (double) baselineNanos / Math.max(1, items);
    double cost = ((double) cores * nanos - baselineNanos) / Math.max(1, items);
    if (cost <= 0) {
      return String.format(
          Locale.ROOT,
          "%s (%d worker processes) is %s faster than %s; its hand-off cost (%s) is lost in the"
              + " noise.",
          name,
          cores,
          ratio(speedUp),
          baseline,
          how);
    }
    return String.format(
        Locale.ROOT,
        "%s (%d worker processes) is %s %s than %s: it spends about %s of core time per %s beyond"
            + " it, %s the work, on %s.",
        name,
        cores,
        ratio(speedUp >= 1 ? speedUp : 1 / speedUp),
        speedUp >= 1 ? "faster" : "slower",
        baseline,
        duration(cost),
        noun,
        times(cost / Math.max(1e-9, work)),
        how);
  }

  /**
   * A sentence comparing an array passed to workers by serialized copy with the same array passed
   * by shared memory.
   *
   * @param copy the copy row's name
   * @param copyNanos its wall time
   * @param shared the shared row's name
   * @param sharedNanos its wall time
   * @param bytes the array's size
   * @return the sentence
   */
  static String copy(String copy, long copyNanos, String shared, long sharedNanos, long bytes) {
    long extra = copyNanos - sharedNanos;
    if (extra <= 0) {
      return String.format(
          Locale.ROOT,
          "%s was not slower than %s here: at this size the copy costs less than the noise.",
          copy,
          shared);
    }
    return String.format(
        Locale.ROOT,
        "%s took %s more than %s: copying the %s array into pieces, serializing them, sending them"
            + " to the workers and decoding them there ran at about %s/s, where %s sends each"
            + " worker a handle of a few bytes and the workers read the same pages.",
        copy,
        duration(extra),
        shared,
        Text.size(bytes),
        Text.size(bytes * 1e9 / extra),
        shared);
  }

  private static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2fx", r);
  }

  /** How many times {@code r}, in words for the ratios that matter. */
  private static String times(double r) {
    if (r >= 1.5) {
      return String.format(Locale.ROOT, "%.0f times", r);
    }
    if (r >= 0.95) {
      return "about as much as";
    }
    return String.format(Locale.ROOT, "%.0f%% of", 100 * r);
  }

  /**
   * A duration with a unit that suits it.
   *
   * @param nanos nanoseconds
   * @return such as "1.2 ns", "850 ns", "3.4 µs", "1.0 ms", "2.5 s"
   */
  static String duration(double nanos) {
    if (nanos < 10) {
      return String.format(Locale.ROOT, "%.1f ns", nanos);
    }
    if (nanos < 1_000) {
      return String.format(Locale.ROOT, "%.0f ns", nanos);
    }
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    }
    if (nanos < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
