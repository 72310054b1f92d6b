package dev.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.diag.TimeAccounting;
import dev.weft.spi.Batch;
import dev.weft.spi.BatchResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The CPU engine starts its threads with the first work, not when it is created. */
@Timeout(30)
class ThreadEngineLazyStartTest {
  private static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
        .count();
  }

  @Test
  void noThreadRunsUntilTheFirstBatchThenEveryWorkerDoes() throws Exception {
    ThreadEngine engine = new ThreadEngine("lazy-first-", 2, 16);
    engine.start(new TimeAccounting("cpu", 2));
    assertThat(threadsNamed("lazy-first-")).isZero();
    CompletableFuture<BatchResult> done = new CompletableFuture<>();
    engine.execute(
        new Batch<Integer, Integer>(1, 0, List.of(20), x -> x + 1, true), done::complete);
    assertThat(done.get(10, TimeUnit.SECONDS).values()).containsExactly(21);
    assertThat(threadsNamed("lazy-first-")).isEqualTo(2);
    engine.shutdown();
    assertThat(engine.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(threadsNamed("lazy-first-")).isZero();
  }

  @Test
  void anEngineThatNeverRanTerminatesOnShutdownAndOnShutdownNow() throws Exception {
    ThreadEngine quiet = new ThreadEngine("lazy-quiet-", 2, 16);
    quiet.start(new TimeAccounting("cpu", 2));
    assertThat(quiet.isTerminated()).isFalse();
    quiet.shutdown();
    assertThat(quiet.isTerminated()).isTrue();
    assertThat(quiet.awaitTermination(Duration.ZERO)).isTrue();

    ThreadEngine stopped = new ThreadEngine("lazy-stopped-", 2, 16);
    stopped.start(new TimeAccounting("cpu", 2));
    stopped.shutdownNow();
    assertThat(stopped.awaitTermination(Duration.ZERO)).isTrue();
    assertThat(threadsNamed("lazy-")).isZero();
  }
}
