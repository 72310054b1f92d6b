package dev.weft.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchRunnerTest {
  private static Integer halve(Integer x) throws IOException {
    if (x % 2 != 0) {
      throw new IOException("odd " + x);
    }
    return x / 2;
  }

  @Test
  void failFastStopsAfterTheFirstFailure() {
    BatchResult r =
        BatchRunner.run(
            new Batch<Integer, Integer>(7, 100, List.of(2, 4, 5, 6), BatchRunnerTest::halve, true),
            () -> false);
    assertThat(r.batchId()).isEqualTo(7);
    assertThat(r.attempted()).isEqualTo(3);
    assertThat(r.values()).containsExactly(1, 2, null, null);
    assertThat(r.error(2)).hasMessage("odd 5");
    assertThat(r.endNanos()).isGreaterThanOrEqualTo(r.startNanos());
  }

  @Test
  void collectModeRunsEveryInput() {
    BatchResult r =
        BatchRunner.run(
            new Batch<Integer, Integer>(1, 0, List.of(1, 2, 3, 4), BatchRunnerTest::halve, false),
            () -> false);
    assertThat(r.attempted()).isEqualTo(4);
    assertThat(r.error(0)).hasMessage("odd 1");
    assertThat(r.error(1)).isNull();
    assertThat(r.error(2)).hasMessage("odd 3");
    assertThat(r.values()).containsExactly(null, 1, null, 2);
  }

  @Test
  void errorsAreFailuresOfTheTaskNotOfTheWorker() {
    BatchResult r =
        BatchRunner.run(
            new Batch<Integer, Integer>(
                1,
                0,
                List.of(1),
                x -> {
                  throw new StackOverflowError("deep");
                },
                false),
            () -> false);
    assertThat(r.error(0)).isInstanceOf(StackOverflowError.class);
  }

  @Test
  void aStopRequestEndsTheBatchAtTheNextInputAndInterruptionsCountAsCancelled() {
    int[] calls = {0};
    boolean[] stop = {false};
    BatchResult r =
        BatchRunner.run(
            new Batch<Integer, Integer>(
                1,
                0,
                List.of(1, 2, 3),
                x -> {
                  calls[0]++;
                  if (x == 2) {
                    stop[0] = true;
                    throw new InterruptedIOException("stopped");
                  }
                  return x;
                },
                false),
            () -> stop[0]);
    assertThat(calls[0]).isEqualTo(2);
    assertThat(r.attempted()).isEqualTo(1);
    assertThat(r.hasFailure()).isFalse();
  }

  @Test
  void anInterruptionWithoutAStopRequestIsAnOrdinaryFailure() {
    BatchResult r =
        BatchRunner.run(
            new Batch<Integer, Integer>(
                1,
                0,
                List.of(1),
                x -> {
                  throw new InterruptedException("own");
                },
                true),
            () -> false);
    assertThat(r.error(0)).isInstanceOf(InterruptedException.class);
  }
}
