package dev.weft.bench;

import dev.weft.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;

/**
 * The first calls in a fresh JVM: is the first map as efficient as the later ones?
 *
 * <p>Question: how much of a pool's speed does a program get on its first call, before anything of
 * the pool has been compiled or measured? The task itself is compiled first (the calibration runs
 * it for 1.5 s), so what is left is the pool's own warm-up: creating it, loading and compiling its
 * classes, and (for weft) sizing batches without measurements. Prints one line: the time to create
 * the pool, then the efficiency (sequential / (workers x wall)) of calls 1 to 5, each paired with a
 * sequential run just before it. Run once per fresh JVM, as {@code
 * weft-benchmarks/scripts/efficiency-table.sh} does.
 *
 * <pre>
 * java -cp weft-benchmarks/target/benchmarks.jar dev.weft.bench.FirstCalls weft|forkjoin [taskMicros]
 * </pre>
 */
public final class FirstCalls {
  private FirstCalls() {}

  /**
   * Runs the three calls.
   *
   * @param args the contender ({@code weft} or {@code forkjoin}), then the task size in µs
   * @throws Exception if a call fails
   */
  public static void main(String[] args) throws Exception {
    String contender = args.length > 0 ? args[0] : "weft";
    int micros = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int spins = (int) Math.max(1, Math.round(GranularityBenchmark.calibrate() * micros));
    int tasks = GranularityBenchmark.taskCount(micros);
    List<Integer> inputs = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      inputs.add(i);
    }
    int workers = Runtime.getRuntime().availableProcessors();
    long sink = 0;
    StringBuilder line = new StringBuilder(contender + " " + micros);
    switch (contender) {
      case "weft" -> {
        // The task object is made before anything is timed (a lambda's bootstrap would cost
        // milliseconds in a fresh JVM, the program's cost whatever pool runs it).
        EfficiencyTable.Task task = new EfficiencyTable.Task(spins);
        long t0 = System.nanoTime();
        try (Pool pool = Pool.cpu()) {
          line.append(String.format(" %.2f", (System.nanoTime() - t0) / 1e6));
          for (int call = 0; call < 5; call++) {
            long seq = sequential(inputs, task);
            long start = System.nanoTime();
            List<Long> out = pool.map(task, inputs);
            long wall = System.nanoTime() - start;
            sink += out.getLast();
            line.append(String.format(" %.3f", seq / (workers * (double) wall)));
          }
        }
      }
      case "forkjoin" -> {
        EfficiencyTable.Task task = new EfficiencyTable.Task(spins);
        Callable<List<Long>> job = () -> inputs.parallelStream().map(task).toList();
        long t0 = System.nanoTime();
        try (ForkJoinPool pool = new ForkJoinPool(workers)) {
          line.append(String.format(" %.2f", (System.nanoTime() - t0) / 1e6));
          for (int call = 0; call < 5; call++) {
            long seq = sequential(inputs, task);
            long start = System.nanoTime();
            List<Long> out =
                pool.submit(() ->
                        inputs.parallelStream()
                            .map(i -> GranularityBenchmark.spin(i, spins))
                            .toList())
                    .get();
            long wall = System.nanoTime() - start;
            sink += out.getLast();
            line.append(String.format(" %.3f", seq / (workers * (double) wall)));
          }
        }
      }
      default -> throw new IllegalArgumentException("weft or forkjoin, not " + contender);
    }
    System.out.println(line + (sink == 42 ? " " : ""));
  }

  private static long sequential(List<Integer> inputs, EfficiencyTable.Task task) {
    long sink = 0;
    long start = System.nanoTime();
    for (Integer i : inputs) {
      sink += task.apply(i);
    }
    long nanos = System.nanoTime() - start;
    return sink == 42 ? nanos + 1 : nanos;
  }
}
