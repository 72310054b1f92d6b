package dev.weft.bench;

import dev.weft.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * What a program pays for weft before its first result: run once per fresh JVM by {@code
 * weft-benchmarks/scripts/cold-start.sh}, which also times the whole process.
 *
 * <p>Modes: {@code weft} creates {@code Pool.cpu()} and maps {@code x -> x * x} over 1,000 boxed
 * integers; {@code forkjoin} does the same with a {@link ForkJoinPool} of one worker per core and a
 * {@code parallelStream}; {@code plain} squares them in a loop (the JVM's own start and a lambda,
 * nothing parallel). Prints the mode, the milliseconds to create the pool and the milliseconds of
 * the first call.
 */
public final class ColdStart {
  private ColdStart() {}

  /**
   * Runs one mode.
   *
   * @param args {@code weft}, {@code forkjoin} or {@code plain}
   * @throws Exception if the call fails
   */
  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "weft";
    List<Integer> inputs = new ArrayList<>(1_000);
    for (int i = 0; i < 1_000; i++) {
      inputs.add(i);
    }
    long t0 = System.nanoTime();
    long created;
    List<Integer> out;
    switch (mode) {
      case "weft" -> {
        try (Pool pool = Pool.cpu()) {
          created = System.nanoTime();
          out = pool.map(x -> x * x, inputs);
        }
      }
      case "forkjoin" -> {
        try (ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors())) {
          created = System.nanoTime();
          out = pool.submit(() -> inputs.parallelStream().map(x -> x * x).toList()).get();
        }
      }
      case "plain" -> {
        created = System.nanoTime();
        java.util.function.UnaryOperator<Integer> square = x -> x * x;
        out = new ArrayList<>(inputs.size());
        for (Integer i : inputs) {
          out.add(square.apply(i));
        }
      }
      default -> throw new IllegalArgumentException("weft, forkjoin or plain, not " + mode);
    }
    long done = System.nanoTime();
    if (out.get(999) != 998_001) {
      throw new AssertionError("wrong result " + out.get(999));
    }
    System.out.printf("%s %.2f %.2f%n", mode, (created - t0) / 1e6, (done - created) / 1e6);
  }
}
