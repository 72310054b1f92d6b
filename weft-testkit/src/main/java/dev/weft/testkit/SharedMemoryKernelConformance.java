package dev.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Pool;
import dev.weft.TaskFailedException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernels' behaviour that only engines sharing memory with the caller can have, or that only
 * shared state can observe: {@link Pool#mapInts} and its siblings fill an array the caller reads
 * (equal to a sequential loop's at every size), {@link Pool#forRange} runs every index exactly once
 * (counted in a shared array), a failing slice interrupts a blocked one, and an interrupted caller
 * stops every running slice. {@link PoolConformance} runs it for each in-JVM engine, next to the
 * results-only {@link KernelConformance}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class SharedMemoryKernelConformance {

  /**
   * A new pool of this engine.
   *
   * @param parallelism how many tasks it should run at once (threads or concurrency)
   * @return the pool
   */
  protected abstract Pool newPool(int parallelism);

  private static int[] values(int n) {
    return KernelConformance.values(n);
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
}
