package dev.weft.cli;

import dev.weft.Pool;
import dev.weft.TaskFunction;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The showdown's first workload: square boxed {@code Integer}s 0..n-1 into a {@code List<Long>} (a
 * square of an int overflows int). Each task is a multiplication, so what the strategies differ in
 * is their overhead per element, which is the point of the comparison.
 */
final class Squares {
  /** The I/O pool's cap, as in the seed documents' {@code Pool.io(1000)}. */
  static final int IO_CONCURRENCY = 1000;

  private Squares() {}

  static long square(Integer x) {
    return (long) x * x;
  }

  /**
   * The inputs, in an {@link ArrayList} so that every strategy gets the random-access list a caller
   * would typically hold.
   */
  static List<Integer> inputs(int n) {
    List<Integer> inputs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      inputs.add(i);
    }
    return inputs;
  }

  /** The answer every strategy must reproduce, computed untimed. */
  static List<Long> reference(List<Integer> inputs) {
    return sequential(inputs);
  }

  /** The strategies in the order the table shows them; {@code sequential} first, the baseline. */
  static List<Strategy<List<Integer>, List<Long>>> strategies() {
    return List.of(
        Strategy.of("sequential", "a plain for loop on the calling thread", Squares::sequential),
        new Strategy<>(
            "pool-cpu",
            "weft Pool.cpu().map: one platform thread per core, tiny tasks batched",
            () -> {
              Pool pool = Pool.cpu();
              return Strategy.Run.of(in -> pool.map(Squares::square, in), pool::close);
            }),
        // weft's way to go parallel when each task is this small: a data-parallel loop over
        // contiguous slices into a primitive array, beside the plain loop that does the same.
        Strategy.of(
            "loop-primitive",
            "a plain for loop into a long[] on the calling thread (no boxed results)",
            Squares::primitiveLoop),
        new Strategy<>(
            "pool-kernel",
            "weft Pool.cpu().forRange: a few contiguous slices per worker into a long[]",
            () -> {
              Pool pool = Pool.cpu();
              return Strategy.Run.of(in -> kernel(pool, in), pool::close);
            }),
        new Strategy<>(
            "thread-per-task",
            "Executors.newVirtualThreadPerTaskExecutor(): one submit and one Future per element",
            () -> {
              ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
              return Strategy.Run.of(in -> futurePerElement(executor, in), executor::close);
            }),
        new Strategy<>(
            "pool-io",
            "weft Pool.io(" + IO_CONCURRENCY + ").map: virtual threads, tiny tasks batched",
            () -> {
              Pool pool = Pool.io(IO_CONCURRENCY);
              return Strategy.Run.of(in -> pool.map(Squares::square, in), pool::close);
            }),
        Strategy.of(
            "parallel-stream",
            "inputs.parallelStream().map(..).toList() on the common ForkJoinPool",
            in -> in.parallelStream().map(Squares::square).toList()),
        ProcessPools.perCore(
            "pool-processes",
            "weft worker processes, one per core (" + cores() + "): map, tiny tasks batched",
            WARM,
            (pool, in) -> pool.map(SQUARE, in)),
        ProcessPools.perCore(
            "pool-processes-per-item",
            "the same with withChunkSize(1): one batch, a round trip to a worker, per element",
            WARM,
            (pool, in) -> pool.with(o -> o.withChunkSize(1)).map(SQUARE, in)));
  }

  /** The task shipped to worker processes: one object, which the warm-up ships first. */
  private static final TaskFunction<Integer, Long> SQUARE = Squares::square;

  private static final ProcessPools.WarmUp WARM =
      (pool, workers) -> ProcessPools.mapEach(pool, workers, SQUARE, i -> i);

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  private static List<Long> primitiveLoop(List<Integer> inputs) {
    long[] out = new long[inputs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = square(inputs.get(i));
    }
    return new LongList(out);
  }

  private static List<Long> kernel(Pool pool, List<Integer> inputs) throws InterruptedException {
    long[] out = new long[inputs.size()];
    pool.forRange(
        0,
        out.length,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            out[i] = square(inputs.get(i));
          }
        });
    return new LongList(out);
  }

  /** A {@code long[]} seen as a list, for the check against the reference: no copy, no boxing. */
  private static final class LongList extends AbstractList<Long> implements RandomAccess {
    private final long[] values;

    LongList(long[] values) {
      this.values = values;
    }

    @Override
    public Long get(int index) {
      return values[index];
    }

    @Override
    public int size() {
      return values.length;
    }
  }

  private static List<Long> sequential(List<Integer> inputs) {
    List<Long> out = new ArrayList<>(inputs.size());
    for (Integer x : inputs) {
      out.add(square(x));
    }
    return out;
  }

  private static List<Long> futurePerElement(ExecutorService executor, List<Integer> inputs)
      throws Exception {
    List<Future<Long>> futures = new ArrayList<>(inputs.size());
    for (Integer x : inputs) {
      futures.add(executor.submit(() -> square(x)));
    }
    List<Long> out = new ArrayList<>(inputs.size());
    for (Future<Long> f : futures) {
      out.add(f.get());
    }
    return out;
  }
}
