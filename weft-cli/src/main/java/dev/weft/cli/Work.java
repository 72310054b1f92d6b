package dev.weft.cli;

import dev.weft.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * The showdown's real-work workload: tasks of about a millisecond of CPU each, the size at which
 * parallelism pays and the table shows how much of the ideal each strategy reaches. Each task is a
 * deterministic busy computation (rounds of a 64-bit mixing function seeded by the task's index),
 * so results can be checked, and its length is calibrated on the machine at start-up, so "about 1
 * ms" holds on a fast and a slow machine alike.
 *
 * <p>Thread-safe: a {@code Work} is immutable once calibrated.
 */
final class Work implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** The CPU time one task aims at. */
  static final long TASK_NANOS = 1_000_000;

  /** The mixing rounds of one task. */
  private final int rounds;

  private Work(int rounds) {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be positive: " + rounds);
    }
    this.rounds = rounds;
  }

  /**
   * Tasks of a fixed number of rounds, for tests that want the same work everywhere.
   *
   * @param rounds the mixing rounds per task
   * @return the work
   */
  static Work ofRounds(int rounds) {
    return new Work(rounds);
  }

  /**
   * Tasks of about {@link #TASK_NANOS} on this machine: runs the computation until the JIT has
   * compiled it, then takes the fastest of several timed runs (the least disturbed by other load)
   * and scales the rounds to the target. Takes about a tenth of a second.
   *
   * @return the calibrated work
   */
  static Work calibrate() {
    int probe = 20_000;
    long sink = 0;
    for (int i = 0; i < 2_000; i++) {
      sink += task(i, probe);
    }
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 30; i++) {
      long start = System.nanoTime();
      sink += task(i, probe);
      best = Math.min(best, System.nanoTime() - start);
    }
    // Keeps the JIT from dropping the calls whose results are otherwise unused.
    if (sink == 42) {
      System.out.print("");
    }
    long rounds = Math.max(1, probe * TASK_NANOS / Math.max(1, best));
    return new Work((int) Math.min(Integer.MAX_VALUE, rounds));
  }

  /**
   * The mixing rounds of one task.
   *
   * @return the rounds
   */
  int rounds() {
    return rounds;
  }

  /**
   * One task: {@code rounds} rounds of SplitMix64's finalizer over the task's index. Each round
   * depends on the previous one, so the JIT can neither vectorize nor skip any.
   */
  static long task(int index, int rounds) {
    long x = index;
    for (int r = 0; r < rounds; r++) {
      x += 0x9E3779B97F4A7C15L;
      long z = x;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      x = z ^ (z >>> 31);
    }
    return x;
  }

  long apply(Integer index) {
    return task(index, rounds);
  }

  /** The task indexes 0..n-1, as a list a caller would hold. */
  static List<Integer> inputs(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  /** The answer every strategy must reproduce, computed untimed. */
  List<Long> reference(List<Integer> inputs) {
    return sequential(inputs);
  }

  /** The strategies in the order the table shows them; {@code sequential} first, the baseline. */
  List<Strategy<List<Integer>, List<Long>>> strategies() {
    int cores = Runtime.getRuntime().availableProcessors();
    // A shipped task must not drag this object along: it captures the calibrated count only.
    dev.weft.TaskFunction<Integer, Long> task = shippable(rounds);
    ProcessPools.WarmUp warm = (pool, workers) -> ProcessPools.mapEach(pool, workers, task, i -> i);
    return List.of(
        Strategy.of("sequential", "a plain for loop on the calling thread", this::sequential),
        Strategy.of(
            "parallel-stream",
            "inputs.parallelStream().map(..).toList() on the common ForkJoinPool",
            in -> in.parallelStream().map(this::apply).toList()),
        new Strategy<>(
            "pool-cpu",
            "weft Pool.cpu().map: one platform thread per core",
            () -> {
              Pool pool = Pool.cpu();
              return Strategy.Run.of(in -> pool.map(this::apply, in), pool::close);
            }),
        new Strategy<>(
            "fixed-pool",
            "Executors.newFixedThreadPool(" + cores + "): one submit and one Future per task",
            () -> {
              ExecutorService executor = Executors.newFixedThreadPool(cores);
              return Strategy.Run.of(in -> futurePerTask(executor, in), executor::close);
            }),
        ProcessPools.perCore(
            "pool-processes",
            "weft worker processes, one per core (" + cores + "): map, tasks batched",
            warm,
            (pool, in) -> pool.map(task, in)),
        ProcessPools.perCore(
            "pool-processes-per-item",
            "the same with withChunkSize(1): one batch, a round trip to a worker, per task",
            warm,
            (pool, in) -> pool.with(o -> o.withChunkSize(1)).map(task, in)));
  }

  /** One task as a function that captures only the number of rounds, a value. */
  static dev.weft.TaskFunction<Integer, Long> shippable(int rounds) {
    return index -> task(index, rounds);
  }

  private List<Long> sequential(List<Integer> inputs) {
    List<Long> out = new ArrayList<>(inputs.size());
    for (Integer i : inputs) {
      out.add(apply(i));
    }
    return out;
  }

  private List<Long> futurePerTask(ExecutorService executor, List<Integer> inputs)
      throws Exception {
    List<Future<Long>> futures = new ArrayList<>(inputs.size());
    for (Integer i : inputs) {
      futures.add(executor.submit(() -> apply(i)));
    }
    List<Long> out = new ArrayList<>(inputs.size());
    for (Future<Long> f : futures) {
      out.add(f.get());
    }
    return out;
  }
}
