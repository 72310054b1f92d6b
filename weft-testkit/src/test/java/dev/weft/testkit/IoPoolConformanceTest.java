package dev.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Pool;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The conformance suite on virtual threads, and what is particular to a high-concurrency pool. */
class IoPoolConformanceTest extends PoolConformance {
  @Override
  protected Pool newPool(int parallelism) {
    return Pool.io(parallelism);
  }

  /**
   * weft-core gap: {@code VirtualEngine} does not enforce a batch's {@code TaskDeadline} yet
   * (MapOptions documents that it interrupts a task at its deadline); remove this once it does.
   */
  @Override
  protected boolean enforcesTaskDeadlines() {
    return false;
  }

  @Override
  protected String platformThreadPrefix() {
    return "weft-io-";
  }

  @Test
  void tinyTasksOnAWidePoolAreBatchedInsteadOfGettingAThreadEach() throws Exception {
    int n = 200_000;
    try (Pool pool = Pool.io(1_000)) {
      // A 5 ms target keeps the "no batch finished yet, tasks must be slow" widening out of play
      // even on a loaded machine, so the count below depends on batching alone.
      pool.with(o -> o.withTargetBatchTime(Duration.ofMillis(5)))
          .map(x -> x + 1, IntStream.range(0, n).boxed().toList());
      assertThat(pool.stats().tasks()).isEqualTo(n);
      // Before the in-flight ramp, the first wave alone was 2,000 one-task batches.
      assertThat(pool.stats().batches()).isLessThan(1_000);
    }
  }

  @Test
  void slowTasksStillRunAtTheFullConcurrency() throws Exception {
    int n = 400;
    java.util.concurrent.CountDownLatch allIn = new java.util.concurrent.CountDownLatch(n);
    try (Pool pool = Pool.io(n)) {
      // Every task waits until all of them are running: this finishes only if the pool lets all
      // 400 run at once, far more than the CPU-sized first wave.
      pool.map(
          x -> {
            allIn.countDown();
            allIn.await();
            return x;
          },
          IntStream.range(0, n).boxed().toList());
    }
    assertThat(allIn.getCount()).isZero();
  }
}
