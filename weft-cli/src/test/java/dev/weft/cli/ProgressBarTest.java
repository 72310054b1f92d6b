package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.cli.ProgressBar.Mode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bar's text, throttling and modes, on a clock the test moves by hand. */
class ProgressBarTest {
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000 * MS;

  private final AtomicLong clock = new AtomicLong(5 * SECOND);
  private final StringWriter text = new StringWriter();

  private ProgressBar start(Mode mode, boolean terminal) {
    return ProgressBar.start(mode, terminal, new PrintWriter(text), clock::get);
  }

  /** The lines drawn so far, in order, each without its '\r', padding or line end. */
  private List<String> drawn() {
    return Arrays.stream(text.toString().split("[\r\n]+"))
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .toList();
  }

  @Test
  void rendersBarPercentSizesRateAndEta() {
    // 50 MB of 200 MB in 2 s: 25 MB/s, 150 MB left, so 6 s to go.
    assertThat(ProgressBar.render(50_000_000, 200_000_000, 2 * SECOND, false))
        .isEqualTo("[######------------------]  25%  50.0 / 200.0 MB  25.0 MB/s  ETA 0:06");
  }

  @Test
  void usesGigabytesFromOneGigabyteAndHoursInTheEta() {
    // 1 GB of 5 GB in 1000 s: 1 MB/s, 4,000 s to go.
    assertThat(ProgressBar.render(1_000_000_000, 5_000_000_000L, 1000 * SECOND, false))
        .isEqualTo("[####--------------------]  20%  1.00 / 5.00 GB  1.0 MB/s  ETA 1:06:40");
  }

  @Test
  void roundsTheEtaUpAndThePercentDown() {
    // 999 of 1000 bytes: 99%, not 100%; one byte at 999 B/s is a millisecond, shown as 0:01.
    assertThat(ProgressBar.render(999, 1000, SECOND, false))
        .startsWith("[" + "#".repeat(23) + "-]  99%")
        .endsWith("0.0 MB/s  ETA 0:01");
  }

  @Test
  void withoutElapsedTimeOrBytesTheRateAndEtaAreUnknown() {
    assertThat(ProgressBar.render(0, 1000, 0, false))
        .isEqualTo("[------------------------]   0%  0.0 / 0.0 MB  -- MB/s  ETA --:--");
    assertThat(ProgressBar.render(0, 1000, SECOND, false)).endsWith("0.0 MB/s  ETA --:--");
  }

  @Test
  void theFinalLineSaysDoneInsteadOfTheEta() {
    assertThat(ProgressBar.render(30_000_000, 30_000_000, 3 * SECOND, true))
        .isEqualTo("[########################] 100%  30.0 / 30.0 MB  10.0 MB/s  done");
  }

  @Test
  void anEmptyRunIsComplete() {
    assertThat(ProgressBar.render(0, 0, SECOND, true)).startsWith("[" + "#".repeat(24) + "] 100%");
  }

  @Test
  void alwaysDrawsTheFirstUpdateThenAtMostOncePerInterval() {
    ProgressBar bar = start(Mode.always, false);

    bar.update(10_000_000, 100_000_000); // drawn: the first
    clock.addAndGet(50 * MS);
    bar.update(20_000_000, 100_000_000); // throttled
    clock.addAndGet(149 * MS);
    bar.update(30_000_000, 100_000_000); // throttled: 199 ms since the last line
    clock.addAndGet(1 * MS);
    bar.update(40_000_000, 100_000_000); // drawn: 200 ms since the last line

    assertThat(drawn()).hasSize(2);
    assertThat(drawn().get(0)).contains(" 10%  10.0 / 100.0 MB  -- MB/s");
    assertThat(drawn().get(1)).contains(" 40%  40.0 / 100.0 MB  200.0 MB/s  ETA 0:01");
    assertThat(text.toString()).startsWith("\r").doesNotContain("\n");
  }

  @Test
  void finishDrawsTheFinalStateAndEndsTheLine() {
    ProgressBar bar = start(Mode.always, false);
    bar.update(50_000_000, 100_000_000);
    clock.addAndGet(10 * MS);
    bar.update(100_000_000, 100_000_000); // throttled, but finish shows it
    clock.addAndGet(90 * MS);

    bar.finish();
    bar.finish();
    bar.close();
    bar.update(100_000_000, 100_000_000);

    assertThat(drawn()).last().asString().contains("100%  100.0 / 100.0 MB  1000.0 MB/s  done");
    assertThat(text.toString()).endsWith(System.lineSeparator()).containsOnlyOnce("done");
    assertThat(text.toString()).containsOnlyOnce(System.lineSeparator());
  }

  @Test
  void aShorterLineBlanksOutTheRestOfTheLongerOne() {
    ProgressBar bar = start(Mode.always, false);
    clock.addAndGet(SECOND);
    bar.update(1_000_000_000, 2_000_000_000L); // "1000.0 MB/s"
    clock.addAndGet(SECOND);
    bar.update(1_500_000_000, 2_000_000_000L); // "750.0 MB/s": one character shorter

    String[] lines = text.toString().split("\r");
    assertThat(lines[2]).hasSameSizeAs(lines[1]).endsWith(" ");
  }

  @Test
  void autoDrawsNothingUntilTheRunHasLastedASecond() {
    ProgressBar bar = start(Mode.auto, true);
    bar.update(10, 100);
    clock.addAndGet(999 * MS);
    bar.update(20, 100);
    assertThat(text.toString()).isEmpty();

    clock.addAndGet(1 * MS);
    bar.update(30, 100);
    bar.finish();

    assertThat(drawn()).hasSize(2);
    assertThat(drawn().get(0)).contains(" 30%");
    assertThat(drawn().get(1)).contains("done");
  }

  @Test
  void autoStaysSilentForAShortRun() {
    ProgressBar bar = start(Mode.auto, true);
    bar.update(100, 100);
    clock.addAndGet(500 * MS);
    bar.finish();

    assertThat(text.toString()).isEmpty();
  }

  @Test
  void autoOffATerminalAndNeverDrawNothing() {
    for (ProgressBar bar : List.of(start(Mode.auto, false), start(Mode.never, true))) {
      bar.update(1, 100);
      clock.addAndGet(5 * SECOND);
      bar.update(50, 100);
      bar.finish();
    }

    assertThat(text.toString()).isEmpty();
  }

  @Test
  void closeAfterAFailureEndsAnOpenLineKeepingTheLastState() {
    ProgressBar bar = start(Mode.always, false);
    bar.update(25, 100);
    bar.close();

    assertThat(text.toString()).endsWith(System.lineSeparator()).doesNotContain("done");
    assertThat(drawn()).singleElement().asString().contains(" 25%");
  }

  @Test
  void closeWithNothingDrawnPrintsNothing() {
    start(Mode.auto, true).close();

    assertThat(text.toString()).isEmpty();
  }

  @Test
  void etaClock() {
    assertThat(ProgressBar.clock(0)).isEqualTo("0:00");
    assertThat(ProgressBar.clock(59)).isEqualTo("0:59");
    assertThat(ProgressBar.clock(61)).isEqualTo("1:01");
    assertThat(ProgressBar.clock(3600)).isEqualTo("1:00:00");
    assertThat(ProgressBar.clock(100 * 3600 + 62)).isEqualTo("100:01:02");
  }

  @Test
  void theLineFitsEveryWidthWithRoomForTheEchoOfCtrlC() {
    for (int columns = 1; columns <= 120; columns++) {
      String line = ProgressBar.render(1_030_000_000, 2_700_000_000L, 3 * SECOND, false, columns);
      assertThat(line.length())
          .as("at %d columns: %s", columns, line)
          .isLessThanOrEqualTo(Math.max(1, columns - 3));
      assertThat(line).as("at %d columns", columns).contains(columns >= 7 ? "38%" : "3");
    }
  }

  @Test
  void narrowTerminalsLoseTheRateThenTheSizesThenTheBar() {
    long done = 1_030_000_000;
    long total = 2_700_000_000L;
    assertThat(ProgressBar.render(done, total, 3 * SECOND, false, 80))
        .isEqualTo(ProgressBar.render(done, total, 3 * SECOND, false))
        .startsWith("[" + "#".repeat(9) + "-".repeat(15) + "]  38%  1.03 / 2.70 GB  343.3 MB/s");
    assertThat(ProgressBar.render(done, total, 3 * SECOND, false, 60))
        .matches("\\[#+-+\\]  38%  1\\.03 / 2\\.70 GB  343\\.3 MB/s  ETA 0:05");
    assertThat(ProgressBar.render(done, total, 3 * SECOND, false, 40))
        .matches("\\[#+-+\\]  38%  ETA 0:05");
    assertThat(ProgressBar.render(done, total, 3 * SECOND, false, 20)).isEqualTo(" 38%  ETA 0:05");
    assertThat(ProgressBar.render(done, total, 3 * SECOND, false, 12)).isEqualTo(" 38%");
  }

  @Test
  void theWidthIsAskedOnceAtTheFirstDraw() {
    AtomicLong asked = new AtomicLong();
    ProgressBar bar =
        ProgressBar.start(
            Mode.always,
            false,
            new PrintWriter(text),
            clock::get,
            () -> {
              asked.incrementAndGet();
              return 30;
            },
            ProgressBar.Hooks.NONE);
    assertThat(asked).hasValue(0);

    bar.update(10, 100);
    clock.addAndGet(SECOND);
    bar.update(20, 100);
    bar.finish();

    assertThat(asked).hasValue(1);
    assertThat(drawn()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(27));
  }

  /** Records the hooks a bar registers, and runs them as the JVM would at exit. */
  private static final class RecordingHooks implements ProgressBar.Hooks {
    final List<Thread> added = new java.util.ArrayList<>();
    final List<Thread> removed = new java.util.ArrayList<>();

    @Override
    public void add(Thread hook) {
      added.add(hook);
    }

    @Override
    public void remove(Thread hook) {
      removed.add(hook);
    }
  }

  @Test
  void anExitWhileALineIsOpenEndsTheLine() throws Exception {
    RecordingHooks hooks = new RecordingHooks();
    ProgressBar bar =
        ProgressBar.start(Mode.always, false, new PrintWriter(text), clock::get, () -> 80, hooks);
    bar.update(25, 100);
    assertThat(hooks.added).singleElement();

    Thread hook = hooks.added.get(0);
    hook.start(); // as Ctrl-C would, while the run is still going
    hook.join();

    assertThat(text.toString())
        .endsWith(System.lineSeparator())
        .containsOnlyOnce(System.lineSeparator());
    bar.update(50, 100);
    bar.close();
    assertThat(text.toString())
        .endsWith(System.lineSeparator())
        .containsOnlyOnce(System.lineSeparator());
  }

  @Test
  void aFinishedBarRemovesItsHookAndAnUndrawnOneNeverAddsOne() {
    RecordingHooks hooks = new RecordingHooks();
    ProgressBar bar =
        ProgressBar.start(Mode.always, false, new PrintWriter(text), clock::get, () -> 80, hooks);
    bar.update(25, 100);
    bar.finish();
    assertThat(hooks.removed).isEqualTo(hooks.added).hasSize(1);

    RecordingHooks none = new RecordingHooks();
    ProgressBar.start(Mode.never, true, new PrintWriter(text), clock::get, () -> 80, none).close();
    assertThat(none.added).isEmpty();
  }

  @Test
  void terminalsAreRecognisedByTheirDevice() {
    assertThat(Terminal.isTerminalDevice(java.nio.file.Path.of("/dev/pts/3"))).isTrue();
    assertThat(Terminal.isTerminalDevice(java.nio.file.Path.of("/dev/tty1"))).isTrue();
    assertThat(Terminal.isTerminalDevice(java.nio.file.Path.of("/tmp/log.txt"))).isFalse();
    assertThat(Terminal.isTerminalDevice(java.nio.file.Path.of("pipe:[1234]"))).isFalse();
    assertThat(Terminal.isTerminalDevice(java.nio.file.Path.of("/dev/null"))).isFalse();
  }

  @Test
  void columnsComeFromTheEnvironmentFirst() {
    assertThat(Terminal.stderrColumns(java.util.Map.of("COLUMNS", "40"))).isEqualTo(40);
    // Under the test runner stderr is no terminal: no COLUMNS means the default.
    assertThat(Terminal.stderrColumns(java.util.Map.of("COLUMNS", "wide")))
        .isEqualTo(Terminal.isTerminal(2) ? Terminal.stderrColumns(java.util.Map.of()) : 80);
  }
}
