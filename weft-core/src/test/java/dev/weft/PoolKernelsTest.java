package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How kernels cut their ranges, and that a tiny range costs no hand-off. Behaviour on every engine
 * (results, failures, interrupts) is in weft-testkit's {@code KernelConformance}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolKernelsTest {

  @ParameterizedTest
  @CsvSource({
    "2, 0, 0, 0",
    "2, 0, 1, 1",
    "2, 0, 8191, 1", // two slices would be shorter than the minimum
    "2, 0, 8192, 2",
    "2, 0, 1000000, 8", // four per worker
    "2, -7, 999993, 8",
    "3, 5, 1000006, 12",
    "2, 2147483000, 2147483647, 1",
    "2, -2147483648, 2147483647, 8", // the widest range: its length overflows an int
  })
  void slicesAreContiguousCoverTheRangeAndAreNeitherTooManyNorTooShort(
      int threads, int from, int to, int expectedCount) {
    try (Pool pool = Pool.cpu(threads)) {
      List<Pool.Slice> slices = pool.slices(from, to);
      assertThat(slices).hasSize(expectedCount);
      int next = from;
      for (Pool.Slice s : slices) {
        assertThat(s.lo()).isEqualTo(next);
        assertThat(s.hi()).isGreaterThan(s.lo());
        if (slices.size() > 1) {
          assertThat((long) s.hi() - s.lo()).isGreaterThanOrEqualTo(Pool.MIN_SLICE);
        }
        next = s.hi();
      }
      assertThat(next).isEqualTo(to);
    }
  }

  @Test
  void anIoPoolIsCutByItsCoresNotByItsConcurrency() {
    try (Pool pool = Pool.io(100_000)) {
      int cores = Runtime.getRuntime().availableProcessors();
      assertThat(pool.slices(0, Integer.MAX_VALUE)).hasSize(Pool.SLICES_PER_WORKER * 4 * cores);
    }
  }

  @Test
  void aRangeOfOneSliceRunsOnTheCallerWithoutAHandOff() throws Exception {
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    try (Pool pool = Pool.cpu(2)) {
      pool.forRange(0, Pool.MIN_SLICE, (lo, hi) -> ranOn.set(Thread.currentThread()));
      assertThat(pool.sumLongs(0, 100, i -> i)).isEqualTo(4_950);
      assertThat(ranOn).hasValue(Thread.currentThread());
      assertThat(pool.stats().batches()).isZero();
    }
  }

  @Test
  void aLargeRangeRunsOneBatchPerSlice() throws Exception {
    try (Pool pool = Pool.cpu(2)) {
      long sum = pool.sumLongs(0, 1_000_000, i -> i);
      assertThat(sum).isEqualTo(999_999L * 1_000_000 / 2);
      assertThat(pool.stats().batches()).isEqualTo(pool.slices(0, 1_000_000).size());
      assertThat(pool.stats().tasks()).isEqualTo(pool.slices(0, 1_000_000).size());
    }
  }
}
