package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.policy.TaskTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Per-task deadlines on the in-JVM engines: interrupt at the limit, give up after the grace. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskDeadlineTest {
  private static final AtomicBoolean RELEASE = new AtomicBoolean();

  private static Pool pool(String kind, int n) {
    return kind.equals("cpu") ? Pool.cpu(n) : Pool.io(n);
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "io"})
  void aTaskPastItsLimitIsInterruptedAndFailsAsTimedOutWhileTheRestOfItsBatchRuns(String kind)
      throws Exception {
    try (Pool pool = pool(kind, 2)) {
      List<Outcome<Integer, Integer>> out =
          pool.with(o -> o.withChunkSize(10).withTaskTimeout(Duration.ofMillis(50)))
              .mapOutcomes(
                  x -> {
                    if (x == 3) {
                      Thread.sleep(60_000);
                    }
                    // No interrupt of the deadline may leak into the next task.
                    if (Thread.currentThread().isInterrupted()) {
                      throw new IllegalStateException("interrupt leaked into task " + x);
                    }
                    return x * 2;
                  },
                  range(10));
      assertThat(out).hasSize(10);
      for (Outcome<Integer, Integer> o : out) {
        if (o.index() == 3) {
          assertThat(o).isInstanceOf(Outcome.Failure.class);
          Outcome.Failure<Integer, Integer> f = (Outcome.Failure<Integer, Integer>) o;
          assertThat(f.timedOut()).isTrue();
          assertThat(f.workerLost()).isFalse();
          TaskTimeoutException e = (TaskTimeoutException) f.error();
          assertThat(e.taskStopped()).isTrue();
          assertThat(e.limit()).isEqualTo(Duration.ofMillis(50));
          assertThat(e).hasMessageContaining("task #3 timed out after 50 ms");
        } else {
          assertThat(o)
              .isEqualTo(new Outcome.Success<>(o.index(), (int) o.index(), 2 * (int) o.index()));
        }
      }
      assertThat(pool.map(x -> x + 1, range(100)))
          .isEqualTo(range(100).stream().map(x -> x + 1).toList());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "io"})
  void failFastThrowsTheTimeoutNamingTheTask(String kind) throws Exception {
    try (Pool pool = pool(kind, 2)) {
      Mapper timed = pool.with(o -> o.withTaskTimeout(Duration.ofMillis(30)));
      assertThatThrownBy(() ->
              timed.map(
                  x -> {
                    if (x == 5) {
                      Thread.sleep(60_000);
                    }
                    return x;
                  },
                  range(8)))
          .isInstanceOf(TaskFailedException.class)
          .hasMessageContaining("task #5")
          .hasCauseInstanceOf(TaskTimeoutException.class)
          .satisfies(e -> assertThat(((TaskFailedException) e).index()).isEqualTo(5));
      assertThat(timed.map(x -> x, range(3))).isEqualTo(range(3));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "io"})
  void aTaskThatIgnoresTheInterruptIsGivenUpOnAndItsThreadReplaced(String kind) throws Exception {
    RELEASE.set(false);
    // One worker: if the stuck thread were not replaced, nothing after it could run.
    Pool pool = pool(kind, 1);
    try {
      List<Outcome<Integer, Integer>> out =
          pool.with(o ->
                  o.withChunkSize(4).withTaskTimeout(Duration.ofMillis(30), Duration.ofMillis(30)))
              .mapOutcomes(
                  x -> {
                    if (x == 1) {
                      while (!RELEASE.get()) {
                        Thread.onSpinWait(); // deaf to interrupts
                      }
                    }
                    return x;
                  },
                  range(8));
      Outcome.Failure<?, ?> stuck = (Outcome.Failure<?, ?>) out.get(1);
      assertThat(stuck.timedOut()).isTrue();
      TaskTimeoutException e = (TaskTimeoutException) stuck.error();
      assertThat(e.taskStopped()).isFalse();
      assertThat(e).hasMessageContaining("task #1 timed out").hasMessageContaining("replaced");
      for (int i = 0; i < 8; i++) {
        if (i != 1) {
          assertThat(out.get(i)).isEqualTo(new Outcome.Success<>(i, i, i));
        }
      }
      IntFunction<Integer> twice = x -> 2 * x;
      assertThat(pool.map(twice::apply, range(50)))
          .isEqualTo(range(50).stream().map(x -> 2 * x).toList());
    } finally {
      RELEASE.set(true);
      pool.close();
    }
    assertThat(pool.isTerminated()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "io"})
  void tasksWithinTheirLimitAreUntouched(String kind) throws Exception {
    try (Pool pool = pool(kind, 2)) {
      assertThat(
              pool.with(o -> o.withTaskTimeout(Duration.ofSeconds(30)))
                  .map(
                      x -> {
                        Thread.sleep(1);
                        return Thread.currentThread().isInterrupted() ? -1 : x;
                      },
                      range(200)))
          .isEqualTo(range(200));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "io"})
  void shutdownNowStopsATimedCallWithoutWaitingForItsDeadline(String kind) throws Exception {
    Pool pool = pool(kind, 2);
    Thread caller = Thread.currentThread();
    Thread killer =
        Thread.ofPlatform()
            .start(() -> {
              try {
                while (caller.getState() != Thread.State.WAITING
                    && caller.getState() != Thread.State.TIMED_WAITING) {
                  Thread.sleep(5);
                }
                Thread.sleep(50);
              } catch (InterruptedException ignored) {
                return;
              }
              pool.shutdownNow();
            });
    List<Outcome<Integer, Integer>> out =
        pool.with(o -> o.withChunkSize(1).withTaskTimeout(Duration.ofMinutes(10)))
            .mapOutcomes(
                x -> {
                  Thread.sleep(60_000);
                  return x;
                },
                range(4));
    killer.join();
    assertThat(out).allMatch(o -> o instanceof Outcome.Cancelled);
    pool.close();
    assertThat(pool.isTerminated()).isTrue();
  }
}
