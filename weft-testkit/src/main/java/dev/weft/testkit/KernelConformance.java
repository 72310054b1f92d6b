package dev.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.weft.Pool;
import dev.weft.TaskFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every engine must have for the data-parallel kernels ({@link Pool#forRange}, {@link
 * Pool#mapInts} and siblings, the sums and {@link Pool#reduceRange}): results equal to a sequential
 * loop's at every size (the parameterized tests use 0, 1, 7, 4,096, 8,193, 100,003 and 1,000,000),
 * from empty through one element, ranges that are not a multiple of the slice count, to a million;
 * every index processed exactly once; failures named by their slice's range; interrupts; closed
 * pools. {@link PoolConformance} runs it for each engine.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class KernelConformance {

  /**
   * A new pool of this engine.
   *
   * @param parallelism how many tasks it should run at once (threads or concurrency)
   * @return the pool
   */
  protected abstract Pool newPool(int parallelism);

  private static int[] values(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      // Negative and large values too, so that overflow and sign mistakes show.
      a[i] = (int) (i * 2_654_435_761L) >> 3;
    }
    return a;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 4_096, 8_193, 100_003, 1_000_000})
  void mapsEqualASequentialLoop(int n) throws Exception {
    int[] a = values(n);
    long[] l = new long[n];
    double[] d = new double[n];
    int[] expectedInts = new int[n];
    long[] expectedLongs = new long[n];
    double[] expectedDoubles = new double[n];
    for (int i = 0; i < n; i++) {
      l[i] = a[i] * 3L;
      d[i] = a[i] / 7.0;
      expectedInts[i] = a[i] * a[i];
      expectedLongs[i] = l[i] * l[i];
      expectedDoubles[i] = Math.sqrt(Math.abs(d[i]));
    }
    try (Pool pool = newPool(4)) {
      assertThat(pool.mapInts(a, x -> x * x)).isEqualTo(expectedInts);
      assertThat(pool.mapLongs(l, x -> x * x)).isEqualTo(expectedLongs);
      assertThat(pool.mapDoubles(d, x -> Math.sqrt(Math.abs(x)))).isEqualTo(expectedDoubles);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 4_096, 8_193, 100_003, 1_000_000})
  void reductionsEqualASequentialLoop(int n) throws Exception {
    int[] a = values(n);
    long sumOfSquares = 0;
    long evens = 0;
    int max = Integer.MIN_VALUE;
    for (int x : a) {
      sumOfSquares += (long) x * x;
      evens += (x & 1) == 0 ? 1 : 0;
      max = Math.max(max, x);
    }
    try (Pool pool = newPool(4)) {
      assertThat(pool.sumLongs(0, n, i -> (long) a[i] * a[i])).isEqualTo(sumOfSquares);
      assertThat(pool.sumLongs(0, n, i -> (a[i] & 1) == 0 ? 1 : 0)).isEqualTo(evens);
      int parallelMax =
          pool.reduceRange(
              0,
              n,
              Integer.MIN_VALUE,
              (lo, hi) -> {
                int m = Integer.MIN_VALUE;
                for (int i = lo; i < hi; i++) {
                  m = Math.max(m, a[i]);
                }
                return m;
              },
              Math::max);
      assertThat(parallelMax).isEqualTo(max);
      // Integers below 2^53 add exactly in doubles, whatever the order: the sum must be exact.
      assertThat(pool.sumDoubles(0, n, i -> i)).isEqualTo((double) n * (n - 1) / 2);
    }
  }

  @Test
  void aDoubleSumIsTheSameEveryTimeOnTheSamePool() throws Exception {
    int n = 1_000_000;
    try (Pool pool = newPool(4)) {
      double first = pool.sumDoubles(0, n, i -> 1.0 / (i + 1));
      for (int round = 0; round < 5; round++) {
        assertThat(pool.sumDoubles(0, n, i -> 1.0 / (i + 1))).isEqualTo(first);
      }
    }
  }

  @Test
  void reduceRangeCombinesSlicesInIndexOrder() throws Exception {
    int from = -50_000;
    int to = 150_001;
    try (Pool pool = newPool(4)) {
      // Concatenating "lo..hi" descriptions is associative but not commutative: out of order
      // slices would leave a gap or an overlap in the chain.
      List<int[]> chain =
          pool.reduceRange(
              from,
              to,
              List.of(),
              (lo, hi) -> List.of(new int[] {lo, hi}),
              (left, right) -> {
                List<int[]> both = new ArrayList<>(left);
                both.addAll(right);
                return both;
              });
      assertThat(chain.getFirst()[0]).isEqualTo(from);
      assertThat(chain.getLast()[1]).isEqualTo(to);
      for (int k = 1; k < chain.size(); k++) {
        assertThat(chain.get(k)[0]).isEqualTo(chain.get(k - 1)[1]);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 4_096, 8_193, 100_003, 1_000_000})
  void forRangeRunsEveryIndexExactlyOnceInContiguousSlices(int n) throws Exception {
    int offset = -n / 3; // a range that does not start at 0
    AtomicIntegerArray runs = new AtomicIntegerArray(n);
    ConcurrentLinkedQueue<int[]> slices = new ConcurrentLinkedQueue<>();
    try (Pool pool = newPool(4)) {
      pool.forRange(
          offset,
          offset + n,
          (lo, hi) -> {
            slices.add(new int[] {lo, hi});
            for (int i = lo; i < hi; i++) {
              runs.incrementAndGet(i - offset);
            }
          });
    }
    for (int i = 0; i < n; i++) {
      assertThat(runs.get(i)).as("runs of index %d", i + offset).isEqualTo(1);
    }
    assertThat(slices).allSatisfy(s -> assertThat(s[0]).isLessThan(s[1]));
    if (n == 0) {
      assertThat(slices).isEmpty();
    }
  }

  @Test
  void aFailureNamesTheSliceRangeAndKeepsTheCause() throws Exception {
    int n = 1_000_000;
    int bad = 500_000;
    AtomicReference<int[]> failedSlice = new AtomicReference<>();
    IllegalStateException boom = new IllegalStateException("boom at " + bad);
    try (Pool pool = newPool(4)) {
      Throwable thrown =
          catchThrowable(() ->
              pool.forRange(
                  0,
                  n,
                  (lo, hi) -> {
                    if (lo <= bad && bad < hi) {
                      failedSlice.set(new int[] {lo, hi});
                      throw boom;
                    }
                  }));
      int[] s = failedSlice.get();
      assertThat(thrown)
          .isInstanceOf(TaskFailedException.class)
          .hasMessage("range [" + s[0] + ", " + s[1] + ") failed: " + boom)
          .hasCause(boom);
      assertThat(((TaskFailedException) thrown).index()).isEqualTo(s[0]);
      assertThat(s[1] - s[0]).as("a slice, not the whole range").isLessThan(n);
      // The pool stays usable.
      assertThat(pool.sumLongs(0, 10, i -> i)).isEqualTo(45);
    }
  }

  @Test
  void aFailureOfATinyRangeRunOnTheCallerIsNamedTheSameWay() throws Exception {
    try (Pool pool = newPool(4)) {
      // An explicit throw: a JIT-compiled 12 / 0 may throw a preallocated exception without its
      // message (OmitStackTraceInFastThrow) once the same JVM has divided by zero often.
      assertThatThrownBy(() ->
              pool.mapInts(
                  new int[] {1, 2, 0, 4},
                  x -> {
                    if (x == 0) {
                      throw new ArithmeticException("zero at the third element");
                    }
                    return 12 / x;
                  }))
          .isInstanceOf(TaskFailedException.class)
          .hasMessage(
              "range [0, 4) failed: java.lang.ArithmeticException: zero at the third element")
          .hasCauseInstanceOf(ArithmeticException.class);
    }
  }

  @Test
  void aFailingSliceCancelsTheOthers() throws Exception {
    CountDownLatch blockerStarted = new CountDownLatch(1);
    CountDownLatch blockerDone = new CountDownLatch(1);
    AtomicBoolean blockerInterrupted = new AtomicBoolean();
    AtomicInteger claimed = new AtomicInteger();
    try (Pool pool = newPool(2)) {
      assertThatThrownBy(() ->
              pool.forRange(
                  0,
                  1_000_000,
                  (lo, hi) -> {
                    int k = claimed.getAndIncrement();
                    if (k == 0) {
                      blockerStarted.countDown();
                      try {
                        new CountDownLatch(1).await();
                      } catch (InterruptedException e) {
                        blockerInterrupted.set(true);
                        throw e;
                      } finally {
                        blockerDone.countDown();
                      }
                    } else if (k == 1) {
                      blockerStarted.await();
                      throw new IllegalArgumentException("slice " + lo);
                    }
                  }))
          .isInstanceOf(TaskFailedException.class)
          .hasMessageStartingWith("range [")
          .hasCauseInstanceOf(IllegalArgumentException.class);
      blockerDone.await();
      assertThat(blockerInterrupted).isTrue();
    }
  }

  @Test
  void interruptingTheCallerCancelsTheSlicesAndThrowsInterruptedException() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger interruptedSlices = new AtomicInteger();
    AtomicBoolean callerSawInterrupt = new AtomicBoolean();
    Pool pool = newPool(2);
    try {
      Thread caller =
          Thread.ofPlatform()
              .start(() -> {
                try {
                  pool.forRange(
                      0,
                      1_000_000,
                      (lo, hi) -> {
                        running.incrementAndGet();
                        started.countDown();
                        try {
                          new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                          interruptedSlices.incrementAndGet();
                          throw e;
                        } finally {
                          running.decrementAndGet();
                        }
                      });
                } catch (InterruptedException e) {
                  callerSawInterrupt.set(true);
                }
              });
      started.await();
      caller.interrupt();
      caller.join();
      assertThat(callerSawInterrupt).isTrue();
    } finally {
      pool.close(); // waits for the slices: it would hang (and time out) if one were not stopped
    }
    assertThat(running).hasValue(0);
    assertThat(interruptedSlices.get()).isPositive();
  }

  @Test
  void aCallerInterruptedBeforeATinyRangeGetsInterruptedException() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    try (Pool pool = newPool(2)) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> pool.forRange(0, 10, (lo, hi) -> ran.incrementAndGet()))
          .isInstanceOf(InterruptedException.class);
      assertThat(Thread.interrupted()).isFalse(); // cleared, as InterruptedException promises
      assertThat(ran).hasValue(0);
    }
  }

  @Test
  void aClosedPoolRejectsKernelsEvenOnEmptyRanges() {
    Pool pool = newPool(2);
    pool.close();
    assertThatThrownBy(() -> pool.forRange(0, 1_000_000, (lo, hi) -> {}))
        .isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> pool.forRange(0, 0, (lo, hi) -> {}))
        .isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> pool.mapInts(new int[3], x -> x))
        .isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> pool.sumLongs(0, 5, i -> i))
        .isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void aBackwardsRangeIsRejected() throws Exception {
    try (Pool pool = newPool(2)) {
      assertThatThrownBy(() -> pool.forRange(10, 9, (lo, hi) -> {}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[10, 9)");
    }
  }
}
