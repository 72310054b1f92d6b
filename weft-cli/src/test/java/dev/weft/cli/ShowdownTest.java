package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.cli.Showdown.Measurement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShowdownTest {
  private static final List<Integer> INPUTS = Squares.inputs(10);

  private static Showdown<List<Integer>, List<Long>> showdown(int warmup, int rounds) {
    return new Showdown<>(INPUTS, Squares.reference(INPUTS), warmup, rounds);
  }

  @Test
  void everyBuiltInStrategyReproducesTheReference() throws Exception {
    Showdown<List<Integer>, List<Long>> showdown = showdown(0, 1);
    for (Strategy<List<Integer>, List<Long>> strategy : Squares.strategies()) {
      assertThat(showdown.run(strategy).rounds()).hasSize(1);
    }
  }

  @Test
  void aWrongResultFailsTheRunNamingTheStrategyAndTheElement() {
    Strategy<List<Integer>, List<Long>> broken =
        Strategy.of(
            "off-by-one",
            "returns 17 for the square of 4",
            in -> in.stream().map(x -> x == 4 ? 17L : (long) x * x).toList());

    assertThatThrownBy(() -> showdown(0, 1).run(broken))
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("off-by-one")
        .hasMessageContaining("at index 4 expected 16 but got 17");
  }

  @Test
  void aShortResultIsReportedBySize() {
    Strategy<List<Integer>, List<Long>> truncated =
        Strategy.of("short", "drops the last square", in -> Squares.reference(in.subList(0, 9)));

    assertThatThrownBy(() -> showdown(0, 1).run(truncated))
        .hasMessageContaining("expected 10 elements but got 9");
  }

  @Test
  void runsWarmupAndMeasuredRoundsEachWithAFreshSetupThatIsClosed() throws Exception {
    AtomicInteger opened = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    Strategy<List<Integer>, List<Long>> counting =
        new Strategy<>(
            "counting",
            "counts its setups",
            () -> {
              opened.incrementAndGet();
              return Strategy.Run.of(Squares::reference, closed::incrementAndGet);
            });

    Showdown.Result result = showdown(2, 3).run(counting);

    assertThat(result.rounds()).hasSize(3);
    assertThat(opened).hasValue(5);
    assertThat(closed).hasValue(5);
  }

  @Test
  void aFailingBodyStillClosesItsSetup() {
    AtomicInteger closed = new AtomicInteger();
    Strategy<List<Integer>, List<Long>> failing =
        new Strategy<>(
            "failing",
            "throws",
            () ->
                Strategy.Run.of(
                    in -> {
                      throw new IllegalStateException("boom");
                    },
                    closed::incrementAndGet));

    assertThatThrownBy(() -> showdown(0, 1).run(failing)).hasMessage("boom");
    assertThat(closed).hasValue(1);
  }

  @Test
  void theMedianIsAMeasuredRound() {
    Measurement fast = new Measurement(10, 1, 1);
    Measurement middle = new Measurement(20, 2, 2);
    Measurement slow = new Measurement(30, 3, 3);
    Strategy<List<Integer>, List<Long>> any = Squares.strategies().getFirst();

    assertThat(new Showdown.Result(any, List.of(slow, fast, middle)).median()).isSameAs(middle);
    assertThat(new Showdown.Result(any, List.of(slow, fast)).median()).isSameAs(fast);
    assertThat(new Showdown.Result(any, List.of(slow)).median()).isSameAs(slow);
  }

  @Test
  void strategyNamesMustSuitTheCommandLine() {
    assertThatThrownBy(() -> Strategy.of("Pool CPU", "x", in -> in))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Strategy.of("a,b", "x", in -> in))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
