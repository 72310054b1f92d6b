package dev.weft.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs strategies on one workload and measures each round: wall time, process CPU time and peak
 * heap. Every round's result is checked against the reference answer (equality unless the workload
 * brings its own {@link Check}); a difference fails the run.
 *
 * <p>Not thread-safe: one showdown runs its strategies one after another, so that they never share
 * the machine's cores.
 *
 * @param <I> the workload's input
 * @param <R> the workload's result
 */
final class Showdown<I, R> {
  /** The heap sampler's period. */
  static final Duration SAMPLE_PERIOD = Duration.ofMillis(5);

  /** Process CPU time is unavailable on this JVM or OS. */
  static final long NO_CPU_TIME = -1;

  private final I input;
  private final R expected;
  private final Check<R> check;
  private final int warmupRounds;
  private final int rounds;
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final com.sun.management.OperatingSystemMXBean os;

  /**
   * Compares a round's result with the reference answer.
   *
   * @param <R> the result type
   */
  @FunctionalInterface
  interface Check<R> {
    /**
     * Where {@code actual} differs from {@code expected}, if it does in a way that matters.
     *
     * @param expected the reference answer
     * @param actual a round's result, possibly null
     * @return empty if {@code actual} is acceptable, else one line saying where it differs
     */
    Optional<String> difference(R expected, R actual);

    /**
     * Results must be {@linkplain Object#equals equal}.
     *
     * @param <R> the result type
     * @return the check
     */
    static <R> Check<R> equality() {
      return (expected, actual) ->
          expected.equals(actual)
              ? Optional.empty()
              : Optional.of(describeDifference(expected, actual));
    }
  }

  /** A showdown whose results must equal {@code expected}. */
  Showdown(I input, R expected, int warmupRounds, int rounds) {
    this(input, expected, Check.equality(), warmupRounds, rounds);
  }

  /** A showdown whose results {@code check} compares with {@code expected}. */
  Showdown(I input, R expected, Check<R> check, int warmupRounds, int rounds) {
    this.input = Objects.requireNonNull(input, "input");
    this.expected = Objects.requireNonNull(expected, "expected");
    this.check = Objects.requireNonNull(check, "check");
    if (warmupRounds < 0 || rounds < 1) {
      throw new IllegalArgumentException("need warmupRounds >= 0 and rounds >= 1");
    }
    this.warmupRounds = warmupRounds;
    this.rounds = rounds;
    OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
    this.os = bean instanceof com.sun.management.OperatingSystemMXBean sun ? sun : null;
  }

  /**
   * One timed round.
   *
   * @param wallNanos elapsed time of the strategy's body
   * @param cpuNanos process CPU time across the body, all threads, or {@link #NO_CPU_TIME}
   * @param peakHeapBytes the most heap used at any sample minus the used heap just before, after a
   *     full collection; never negative
   */
  record Measurement(long wallNanos, long cpuNanos, long peakHeapBytes) {}

  /**
   * A strategy's measured rounds.
   *
   * @param strategy the strategy
   * @param rounds its measured rounds, in the order they ran (warm-up rounds excluded)
   */
  record Result(Strategy<?, ?> strategy, List<Measurement> rounds) {
    Result {
      rounds = List.copyOf(rounds);
      if (rounds.isEmpty()) {
        throw new IllegalArgumentException("no rounds");
      }
    }

    /**
     * The round with the median wall time; for an even count the lower of the middle two, so that
     * the figure is one that was really measured rather than an average of two rounds.
     */
    Measurement median() {
      List<Measurement> sorted =
          rounds.stream().sorted(Comparator.comparingLong(Measurement::wallNanos)).toList();
      return sorted.get((sorted.size() - 1) / 2);
    }
  }

  /**
   * Runs the warm-up rounds, then the measured rounds, of one strategy.
   *
   * @param strategy the strategy
   * @return its measured rounds
   * @throws CommandFailedException if a round's result differs from the reference
   * @throws Exception whatever the strategy threw
   */
  Result run(Strategy<I, R> strategy) throws Exception {
    for (int i = 0; i < warmupRounds; i++) {
      round(strategy);
    }
    Measurement[] measured = new Measurement[rounds];
    for (int i = 0; i < rounds; i++) {
      measured[i] = round(strategy);
    }
    return new Result(strategy, List.of(measured));
  }

  private Measurement round(Strategy<I, R> strategy) throws Exception {
    R result;
    Measurement measurement;
    try (Strategy.Run<I, R> run = strategy.setup().open()) {
      // Collect what earlier rounds left behind, so the baseline is this round's starting point.
      System.gc();
      long baseline = memory.getHeapMemoryUsage().getUsed();
      try (HeapSampler sampler =
          HeapSampler.start(() -> memory.getHeapMemoryUsage().getUsed(), SAMPLE_PERIOD)) {
        List<ProcessHandle> workers = run.workers();
        long cpuStart = cpuNanos(workers);
        long start = System.nanoTime();
        result = run.apply(input);
        long wall = System.nanoTime() - start;
        long cpuEnd = cpuNanos(workers);
        long peak = sampler.stop();
        long cpu =
            cpuStart == NO_CPU_TIME || cpuEnd == NO_CPU_TIME ? NO_CPU_TIME : cpuEnd - cpuStart;
        measurement = new Measurement(wall, cpu, Math.max(0, peak - baseline));
      }
    }
    verify(strategy, result);
    return measurement;
  }

  /**
   * The smallest step in which process CPU time advances, found by spinning until it has changed a
   * few times: on Linux the JDK reads it from clock ticks, so it moves in steps of 10 ms, which is
   * coarse beside a round that takes tens of milliseconds.
   *
   * @return the step in nanoseconds, or {@link #NO_CPU_TIME} if CPU time is unavailable or did not
   *     advance within the budget
   */
  long cpuTimeResolution() {
    long previous = cpuNanos();
    if (previous == NO_CPU_TIME) {
      return NO_CPU_TIME;
    }
    long deadline = System.nanoTime() + Duration.ofMillis(200).toNanos();
    long smallest = Long.MAX_VALUE;
    int changes = 0;
    while (changes < 5 && System.nanoTime() < deadline) {
      long now = cpuNanos();
      if (now != previous) {
        smallest = Math.min(smallest, now - previous);
        changes++;
        previous = now;
      }
    }
    return smallest == Long.MAX_VALUE ? NO_CPU_TIME : smallest;
  }

  private long cpuNanos() {
    if (os == null) {
      return NO_CPU_TIME;
    }
    long nanos = os.getProcessCpuTime();
    return nanos < 0 ? NO_CPU_TIME : nanos;
  }

  /**
   * This JVM's CPU time plus its workers' (read from the OS, which for a live process is as fresh
   * as this JVM's own figure); a worker that exits between the two readings loses its share.
   */
  private long cpuNanos(List<ProcessHandle> workers) {
    long nanos = cpuNanos();
    if (nanos == NO_CPU_TIME) {
      return NO_CPU_TIME;
    }
    for (ProcessHandle w : workers) {
      Optional<Duration> cpu = w.info().totalCpuDuration();
      if (cpu.isEmpty()) {
        return NO_CPU_TIME;
      }
      nanos += cpu.get().toNanos();
    }
    return nanos;
  }

  private void verify(Strategy<I, R> strategy, R actual) {
    Optional<String> difference =
        actual == null
            ? Optional.of("null instead of a result")
            : check.difference(expected, actual);
    if (difference.isPresent()) {
      throw new CommandFailedException(
          "strategy " + strategy.name() + " returned a wrong result: " + difference.get());
    }
  }

  /** Where two results first differ, so that a failure points at the element to look at. */
  static String describeDifference(Object expected, Object actual) {
    if (actual == null) {
      return "null instead of a result";
    }
    if (expected instanceof List<?> want && actual instanceof List<?> got) {
      int common = Math.min(want.size(), got.size());
      for (int i = 0; i < common; i++) {
        if (!Objects.equals(want.get(i), got.get(i))) {
          return "at index " + i + " expected " + want.get(i) + " but got " + got.get(i);
        }
      }
      return "expected " + want.size() + " elements but got " + got.size();
    }
    return "expected " + expected + " but got " + actual;
  }
}
