package dev.weft.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Args;
import dev.weft.Pool;
import dev.weft.Results;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pool API through worker processes, asserting results only. One pool for the class. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessPoolBasicsTest {
  private static Pool pool;

  @BeforeAll
  static void open() {
    pool = Pool.on(ProcessEngine.create(ProcessOptions.workers(2).withHeap("128m")));
  }

  @AfterAll
  static void close() {
    pool.close();
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void mapReturnsResultsInOrder() throws Exception {
    assertThat(pool.map(x -> x * x, range(10_000)))
        .isEqualTo(IntStream.range(0, 10_000).map(x -> x * x).boxed().toList());
  }

  @Test
  void tasksRunInAnotherProcess() throws Exception {
    long me = ProcessHandle.current().pid();
    List<Long> pids = pool.map(x -> ProcessHandle.current().pid(), range(100));
    assertThat(pids).doesNotContain(me);
  }

  @Test
  void imapStreamsInInputOrder() throws Exception {
    List<String> out = new ArrayList<>();
    try (Results<String> r = pool.imap(x -> "v" + x, range(1_000))) {
      r.forEach(out::add);
    }
    assertThat(out).isEqualTo(range(1_000).stream().map(x -> "v" + x).toList());
  }

  @Test
  void imapUnorderedDeliversEveryResultOnce() throws Exception {
    List<Integer> out = new ArrayList<>();
    try (Results<Integer> r = pool.imapUnordered(x -> x + 1, range(5_000))) {
      r.forEach(out::add);
    }
    assertThat(out)
        .containsExactlyInAnyOrderElementsOf(range(5_000).stream().map(x -> x + 1).toList());
  }

  @Test
  void starmapAndSubmit() throws Exception {
    assertThat(pool.starmap(Integer::sum, List.of(Args.of(1, 2), Args.of(3, 4))))
        .containsExactly(3, 7);
    Future<String> f = pool.submit(() -> "elsewhere " + ProcessWorker.inWorker());
    assertThat(f.get()).isEqualTo("elsewhere true");
  }

  /** A function that says which copy of itself ran. */
  static final class WhichCopy implements dev.weft.TaskFunction<Integer, String> {
    @Override
    public String apply(Integer x) {
      return ProcessHandle.current().pid() + ":" + System.identityHashCode(this);
    }
  }

  @Test
  void theFunctionIsShippedOncePerWorkerNotOncePerBatch() throws Exception {
    List<String> copies = pool.with(o -> o.withChunkSize(10)).map(new WhichCopy(), range(400));
    // 40 batches over two workers: one deserialized copy of the function in each.
    assertThat(new java.util.HashSet<>(copies).size()).isBetween(1, 2);
    assertThat(copies.stream().map(c -> c.split(":")[0]).distinct().count())
        .isEqualTo(new java.util.HashSet<>(copies).size());
  }

  @Test
  void statsCountTheWorkersTasks() throws Exception {
    try (Pool p = Pool.on(ProcessEngine.create(2))) {
      p.map(x -> x, range(1_000));
      assertThat(p.stats().tasks()).isEqualTo(1_000);
      // The parent's serializing of batches and results is accounted per worker.
      assertThat(p.stats().workers()).anySatisfy(w -> assertThat(w.serializing()).isPositive());
    }
  }

  @Test
  void inJvmWorkersSerializeNothing() throws Exception {
    try (Pool p = Pool.cpu(2)) {
      p.map(x -> x, range(1_000));
      assertThat(p.stats().workers()).allSatisfy(w -> assertThat(w.serializing()).isZero());
    }
  }

  @Test
  void aRateLimiterIsOneBucketForAllTheWorkers() throws Exception {
    // One permit per 1,000 s and a burst of 10: nothing refills during the test, so exactly ten
    // tryAcquire calls succeed in all, whichever process makes them (each worker's own bucket
    // would give ten each).
    dev.weft.policy.RateLimiter limiter =
        dev.weft.policy.RateLimiter.perSecond(0.001).withBurst(10);
    List<long[]> calls =
        pool.with(o -> o.withChunkSize(1))
            .map(
                x -> new long[] {ProcessHandle.current().pid(), limiter.tryAcquire() ? 1 : 0},
                range(40));
    assertThat(calls.stream().mapToLong(c -> c[1]).sum()).isEqualTo(10);
    assertThat(calls.stream().map(c -> c[0]).distinct().count())
        .as("worker processes that took part")
        .isEqualTo(2);
    assertThat(limiter.tryAcquire()).as("this JVM shares the same bucket").isFalse();
  }

  record Point(int x, int y) implements java.io.Serializable {}

  @Test
  void recordsTravelBothWays() throws Exception {
    List<Point> in = List.of(new Point(1, 2), new Point(3, 4));
    assertThat(pool.map(p -> new Point(p.y(), p.x()), in))
        .containsExactly(new Point(2, 1), new Point(4, 3));
  }

  @Test
  void capturedStateTravelsWithTheFunction() throws Exception {
    int[] table = {10, 20, 30};
    String label = "t";
    assertThat(pool.map(i -> label + table[i], List.of(0, 1, 2)))
        .containsExactly("t10", "t20", "t30");
  }

  @Test
  void kernelsThatReturnResults() throws Exception {
    int[] a = IntStream.range(0, 100_000).toArray();
    long expected = 0;
    for (int v : a) {
      expected += (long) v * v;
    }
    assertThat(pool.sumLongs(0, a.length, i -> (long) a[i] * a[i])).isEqualTo(expected);
    assertThat(
            pool.reduceRange(
                0,
                a.length,
                Integer.MIN_VALUE,
                (lo, hi) -> {
                  int m = Integer.MIN_VALUE;
                  for (int i = lo; i < hi; i++) {
                    m = Math.max(m, a[i]);
                  }
                  return m;
                },
                Math::max))
        .isEqualTo(99_999);
  }
}
