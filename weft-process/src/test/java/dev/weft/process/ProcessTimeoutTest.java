package dev.weft.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Outcome;
import dev.weft.Pool;
import dev.weft.TaskFailedException;
import dev.weft.policy.TaskTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tasks past their deadline: the worker is killed and replaced, the input fails as timed out. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessTimeoutTest {
  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void aTaskPastItsDeadlineFailsAndTheRestOfItsBatchRunsElsewhere() throws Exception {
    try (Pool pool = Pool.on(ProcessEngine.create(2))) {
      List<Outcome<Integer, Integer>> out =
          pool.with(o -> o.withTaskTimeout(Duration.ofMillis(500)).withChunkSize(10))
              .mapOutcomes(
                  i -> {
                    if (i == 5) {
                      while (true) {
                        // deaf to interrupts: only a kill stops it
                      }
                    }
                    return i;
                  },
                  range(20));
      for (Outcome<Integer, Integer> o : out) {
        if (o.index() == 5) {
          Outcome.Failure<Integer, Integer> f = (Outcome.Failure<Integer, Integer>) o;
          assertThat(f.timedOut()).isTrue();
          assertThat(f.error()).isInstanceOf(TaskTimeoutException.class);
          assertThat(f.error().getMessage())
              .startsWith("task #5 timed out after")
              .contains("was killed and replaced")
              .contains("pid ");
        } else {
          assertThat(o)
              .isEqualTo(new Outcome.Success<>(o.index(), (int) o.index(), (int) o.index()));
        }
      }
      assertThat(pool.map(i -> i * 2, range(10)))
          .isEqualTo(range(10).stream().map(i -> i * 2).toList());
    }
  }

  @Test
  void inFailFastModeATimeoutIsTheCallsFailure() throws Exception {
    try (Pool pool = Pool.on(ProcessEngine.create(1))) {
      assertThatThrownBy(() ->
              pool.with(o -> o.withTaskTimeout(Duration.ofMillis(300)))
                  .map(
                      i -> {
                        if (i == 3) {
                          Thread.sleep(60_000);
                        }
                        return i;
                      },
                      range(6)))
          .isInstanceOf(TaskFailedException.class)
          .hasCauseInstanceOf(TaskTimeoutException.class)
          .satisfies(e -> assertThat(((TaskFailedException) e).index()).isEqualTo(3));
      assertThat(pool.map(i -> i, range(3))).isEqualTo(range(3));
    }
  }

  @Test
  void tasksWithinTheirDeadlineAreUnaffected() throws Exception {
    try (Pool pool = Pool.on(ProcessEngine.create(2))) {
      assertThat(
              pool.with(o -> o.withTaskTimeout(Duration.ofSeconds(30)))
                  .map(i -> i + 1, range(2_000)))
          .isEqualTo(range(2_000).stream().map(i -> i + 1).toList());
    }
  }
}
