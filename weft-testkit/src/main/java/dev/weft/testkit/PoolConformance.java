package dev.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Pool;
import dev.weft.Results;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every in-JVM engine must have, run through the {@link Pool} API: everything in
 * {@link RemotePoolConformance}, which asserts on results only, and what only an engine whose tasks
 * share memory with the caller can be asked: nested use of the same pool from inside its tasks (a
 * task that captures its pool could not be shipped), closing a pool from its own task, the
 * read-ahead bound under the automatic batch size that a hand-off of microseconds gives, and the
 * kernels that write into the caller's arrays ({@link SharedMemoryKernelConformance}). An engine's
 * test class extends this and says how to make a pool; every test then runs against that engine.
 *
 * <p>Tests wait on latches or flags, never on elapsed time; each has a generous timeout so that a
 * hang fails rather than stalls the build.
 */
public abstract class PoolConformance extends RemotePoolConformance {

  /**
   * False: in-JVM engines run tasks as they are, so they accept tasks that capture live state.
   *
   * @return false
   */
  @Override
  protected final boolean shipsWork() {
    return false;
  }

  /**
   * The prefix of the names of the platform threads this engine starts, or null if it starts none
   * (so that the leak check knows what to look for). Every in-JVM engine must say.
   *
   * @return a thread-name prefix or null
   */
  @Override
  protected abstract String platformThreadPrefix();

  // ---------------------------------------------------------------- nested use of the same pool

  @Test
  void nestedMapImapAndSubmitOnTheSamePoolCompleteToAnyDepth() throws Exception {
    try (Pool pool = newPool(2)) {
      // Every worker waits inside a task for work queued behind it: it must help, not park.
      List<Integer> depth2 =
          pool.map(x -> pool.map(y -> x * 10 + y, range(3)).size() + x, range(4));
      assertThat(depth2).containsExactly(3, 4, 5, 6);
      List<Integer> depth3 =
          pool.map(
              x ->
                  pool
                      .map(
                          y -> pool.map(z -> x + y + z, range(3)).stream().mapToInt(i -> i).sum(),
                          range(3))
                      .stream()
                      .mapToInt(i -> i)
                      .sum(),
              range(6));
      List<Integer> expected = new ArrayList<>();
      for (int x = 0; x < 6; x++) {
        int sum = 0;
        for (int y = 0; y < 3; y++) {
          for (int z = 0; z < 3; z++) {
            sum += x + y + z;
          }
        }
        expected.add(sum);
      }
      assertThat(depth3).isEqualTo(expected);
      List<Integer> viaImap =
          pool.map(
              x -> {
                int sum = 0;
                try (Results<Integer> inner = pool.imap(y -> x + y, CountingIterator.upTo(50))) {
                  for (int v : inner) {
                    sum += v;
                  }
                }
                try (Results<Integer> inner = pool.imapUnordered(y -> y, range(20))) {
                  for (int v : inner) {
                    sum += v;
                  }
                }
                return sum;
              },
              range(4));
      assertThat(viaImap).containsExactly(1225 + 190, 1275 + 190, 1325 + 190, 1375 + 190);
      List<Long> viaKernel = pool.map(x -> pool.sumLongs(0, 100_000, i -> i + x), range(4));
      assertThat(viaKernel)
          .containsExactly(4_999_950_000L, 5_000_050_000L, 5_000_150_000L, 5_000_250_000L);
      List<Integer> viaSubmit = pool.map(x -> pool.submit(() -> x * 2).get(), range(8));
      assertThat(viaSubmit).containsExactly(0, 2, 4, 6, 8, 10, 12, 14);
      // And the pool is still fine afterwards.
      assertThat(pool.map(x -> x + 1, range(3))).containsExactly(1, 2, 3);
    }
  }

  @Test
  void closingThePoolFromItsOwnTaskFailsClearlyAndLeavesThePoolUsable() throws Exception {
    try (Pool pool = newPool(2)) {
      Future<String> f =
          pool.submit(() -> {
            try {
              pool.close();
              return "closed";
            } catch (IllegalStateException e) {
              return e.getMessage();
            }
          });
      assertThat(f.get()).contains("close()").contains("would wait");
      assertThat(pool.map(x -> x * 3, range(3))).containsExactly(0, 3, 6);
    }
  }

  // ---------------------------------------------------------------- batch sizing in a JVM

  @Test
  void readAheadUnderTheAutomaticBatchSizeIsAFewTasksPerWorker() throws Exception {
    // Tasks long enough for an in-JVM engine's automatic sizing to batch them one by one (its
    // hand-off costs microseconds), and a consumer slower than the workers: the pool must not run
    // far ahead of what is consumed (each extra task is wasted work).
    int parallelism = 2;
    try (Pool pool = newPool(parallelism)) {
      assertReadAheadIsAFewTasksPerWorker(pool, parallelism);
    }
  }

  // ---------------------------------------------------------------- kernels on shared memory

  /** The kernels that fill the caller's arrays: see {@link SharedMemoryKernelConformance}. */
  @Nested
  class SharedMemoryKernels extends SharedMemoryKernelConformance {
    @Override
    protected Pool newPool(int parallelism) {
      return PoolConformance.this.newPool(parallelism);
    }
  }
}
