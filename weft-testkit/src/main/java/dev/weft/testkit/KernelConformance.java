package dev.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.weft.Pool;
import dev.weft.TaskFailedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every engine must have for the data-parallel kernels, checked on results only (no
 * slice writes to anything it captured), so that engines shipping work to other JVMs run it too:
 * the sums and {@link Pool#reduceRange} equal a sequential loop's at every size (the parameterized
 * tests use 0, 1, 7, 4,096, 8,193, 100,003 and 1,000,000), from empty through one element, ranges
 * that are not a multiple of the slice count, to a million; slices combined in index order;
 * failures named by their slice's range, a failing slice stopping a blocked one, an interrupted
 * caller stopping the slices; closed pools. {@link RemotePoolConformance} runs it for each engine;
 * {@link SharedMemoryKernelConformance} adds what needs memory shared with the tasks ({@link
 * Pool#forRange} and {@link Pool#mapInts} write into arrays the caller reads).
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

  /** Flags for slices to raise; shared with worker processes through the file system. */
  @TempDir protected Path flags;

  static int[] values(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      // Negative and large values too, so that overflow and sign mistakes show.
      a[i] = (int) (i * 2_654_435_761L) >> 3;
    }
    return a;
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

  @Test
  void aFailureNamesTheSliceRangeAndKeepsTheCause() throws Exception {
    int n = 1_000_000;
    int bad = 500_000;
    try (Pool pool = newPool(4)) {
      Throwable thrown =
          catchThrowable(() ->
              pool.forRange(
                  0,
                  n,
                  (lo, hi) -> {
                    if (lo <= bad && bad < hi) {
                      throw new IllegalStateException("boom at " + bad + " in " + lo + ".." + hi);
                    }
                  }));
      // The slice is known only from what came back: the cause's message names it.
      assertThat(thrown).isInstanceOf(TaskFailedException.class);
      Throwable cause = thrown.getCause();
      assertThat(cause).isInstanceOf(IllegalStateException.class);
      Matcher m =
          Pattern.compile("boom at " + bad + " in (\\d+)\\.\\.(\\d+)").matcher(cause.getMessage());
      assertThat(m.matches()).as(cause.getMessage()).isTrue();
      int lo = Integer.parseInt(m.group(1));
      int hi = Integer.parseInt(m.group(2));
      assertThat(thrown).hasMessage("range [" + lo + ", " + hi + ") failed: " + cause);
      assertThat(((TaskFailedException) thrown).index()).isEqualTo(lo);
      assertThat(hi - lo).as("a slice, not the whole range").isLessThan(n);
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
  void aFailingSliceStopsABlockedOne() throws Exception {
    FileFlag blockerStarted = FileFlag.in(flags, "blocker-started");
    FileFlag blockerInterrupted = FileFlag.in(flags, "blocker-interrupted");
    int n = 1_000_000;
    try (Pool pool = newPool(2)) {
      // The body writes nothing: forRange is fine on any engine as long as results are not
      // written into the caller's memory.
      assertThatThrownBy(() ->
              pool.forRange(
                  0,
                  n,
                  (lo, hi) -> {
                    if (lo == 0) {
                      blockerStarted.raise();
                      RemotePoolConformance.sleepUntilInterrupted(blockerInterrupted);
                    } else if (lo <= n / 2 && n / 2 < hi) {
                      blockerStarted.await(RemotePoolConformance.SIGN_OF_LIFE);
                      throw new IllegalArgumentException("slice " + lo);
                    }
                  }))
          .isInstanceOf(TaskFailedException.class)
          .hasMessageStartingWith("range [")
          .hasCauseInstanceOf(IllegalArgumentException.class);
      blockerInterrupted.await(RemotePoolConformance.SIGN_OF_LIFE);
    }
  }

  @Test
  void interruptingTheCallerOfASumStopsItsSlices() throws Exception {
    FileFlag started = FileFlag.in(flags, "started");
    AtomicBoolean callerSawInterrupt = new AtomicBoolean();
    Pool pool = newPool(2);
    try {
      Thread caller =
          Thread.ofPlatform()
              .start(() -> {
                try {
                  pool.sumLongs(
                      0,
                      1_000_000,
                      i -> {
                        started.raise();
                        RemotePoolConformance.sleepUntilInterrupted(null);
                        return i;
                      });
                } catch (InterruptedException e) {
                  callerSawInterrupt.set(true);
                }
              });
      started.await(RemotePoolConformance.SIGN_OF_LIFE);
      caller.interrupt();
      caller.join();
      assertThat(callerSawInterrupt).isTrue();
    } finally {
      pool.close(); // the slices sleep for minutes: close returns only if they were stopped
    }
  }

  @Test
  void aCallerInterruptedBeforeATinyRangeGetsInterruptedException() throws Exception {
    try (Pool pool = newPool(2)) {
      Thread.currentThread().interrupt();
      // A body that ran would fail the call with a TaskFailedException instead.
      assertThatThrownBy(() ->
              pool.forRange(
                  0,
                  10,
                  (lo, hi) -> {
                    throw new AssertionError("ran");
                  }))
          .isInstanceOf(InterruptedException.class);
      assertThat(Thread.interrupted()).isFalse(); // cleared, as InterruptedException promises
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
