package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The verdict under a showdown table, from fixed measurements. */
class VerdictTest {
  private static final long MS = 1_000_000;

  private static String verdict(long seqNanos, long weftNanos, long items, long seqCpu) {
    return new Verdict(
            items,
            "task",
            2,
            "sequential",
            seqNanos,
            "pool-cpu",
            weftNanos,
            "pool-cpu",
            weftNanos,
            seqCpu,
            2 * weftNanos,
            0.5)
        .text();
  }

  @Test
  void tinyTasksAreSaidToBeTooSmallForParallelism() {
    // 1,000,000 tasks: 1 ns each sequentially; weft takes 10 ms on 2 cores, 19 ns per task more.
    String text = verdict(MS, 10 * MS, 1_000_000, MS);

    assertThat(text)
        .startsWith("verdict: pool-cpu is 10.00x slower than sequential")
        .contains("each task is about 1.0 ns of work")
        .contains("about 19 ns of core time per task")
        .contains("19 times the work itself")
        .contains("Parallelism cannot pay here")
        .contains("primitive kernel")
        .contains("tasks of 190 ns or more");
  }

  @Test
  void millisecondTasksNearTheIdealAreSaidToPay() {
    // 1,000 tasks of 1 ms: 1 s sequentially, 520 ms on 2 cores: 96% of the ideal.
    String text = verdict(1_000 * MS, 520 * MS, 1_000, 1_000 * MS);

    assertThat(text)
        .startsWith(
            "verdict: pool-cpu is 1.92x faster than sequential with 2 cores, 96% of the ideal 2x")
        .contains("each task is about 1.0 ms of work")
        .contains("about 40.0 µs of core time per task")
        .endsWith(
            "beyond it ((2 cores x its time - sequential's time) / 1,000), 4% of the work:"
                + " parallelism pays here.");
  }

  @Test
  void aBusyMachineIsNamedAsTheCause() {
    String text = verdict(2_000 * MS, 1_600 * MS, 1_000, 1_100 * MS);

    assertThat(text)
        .contains(
            "Caution: the machine was busy (sequential, on one thread, was on a CPU for only 55%");
  }

  @Test
  void aModestGainSaysWhereTheRestWent() {
    String text = verdict(1_000 * MS, 800 * MS, 1_000, 1_000 * MS);

    assertThat(text)
        .contains("1.25x faster than sequential with 2 cores, 63% of the ideal 2x")
        .contains("That cost is 60% of the work: larger tasks (6.0 ms or more)")
        .doesNotContain("Caution");
  }

  @Test
  void aFasterRivalIsNamed() {
    String text =
        new Verdict(
                1_000,
                "task",
                2,
                "sequential",
                1_000 * MS,
                "pool-cpu",
                800 * MS,
                "parallel-stream",
                600 * MS,
                -1,
                -1,
                -1)
            .text();

    assertThat(text).endsWith("Fastest here: parallel-stream, 1.33x faster than pool-cpu.");
  }

  @Test
  void aGainBeyondTheCoresIsSaidToComeFromLessWork() {
    String text = verdict(1_000 * MS, 100 * MS, 1_000, 1_000 * MS);

    assertThat(text)
        .contains("10.00x faster than sequential, more than 2 cores can explain")
        .contains("each task took about 1.0 ms on sequential's one core and 200.0 µs of core time")
        .contains("sequential did more work per task or was slowed more");
  }

  @Test
  void onABusyMachineSlowMillisecondTasksAreNotBlamedOnTheirSize() {
    // As measured with other builds running: 1,000 tasks of 1.1 ms, pool-cpu on 0.9 of 2 cores.
    String text =
        new Verdict(
                1_000,
                "task",
                2,
                "sequential",
                1_120 * MS,
                "pool-cpu",
                1_316 * MS,
                "sequential",
                1_120 * MS,
                1_090 * MS,
                1_240 * MS,
                6.9)
            .text();

    assertThat(text)
        .startsWith("verdict: pool-cpu is 1.18x slower than sequential")
        .contains("But the machine was busy (load average 6.9 on 2 cores; pool-cpu got only 0.9 of")
        .contains("run again on an idle machine")
        .doesNotContain("cannot pay")
        .doesNotContain("primitive kernel");
  }

  @Test
  void aParallelRowThatLeftCoresIdleOnAnIdleMachineSaysSo() {
    String text =
        new Verdict(
                1_000,
                "task",
                2,
                "sequential",
                1_000 * MS,
                "pool-cpu",
                900 * MS,
                "pool-cpu",
                900 * MS,
                1_000 * MS,
                950 * MS,
                0.3)
            .text();

    assertThat(text).contains("pool-cpu kept only 1.1 of the 2 cores busy on average");
  }

  @Test
  void tinyTasksOnABusyMachineStillGetTheAdviceWithACaution() {
    // Rounds too short to judge the CPU share: the cost per task is still the story.
    String text =
        new Verdict(
                1_000_000,
                "integer",
                2,
                "sequential",
                10 * MS,
                "pool-cpu",
                20 * MS,
                "sequential",
                10 * MS,
                10 * MS,
                40 * MS,
                7.0)
            .text();

    assertThat(text)
        .contains("Parallelism cannot pay here")
        .contains("Caution: the machine was busy (load average 7.0 on 2 cores)");
  }

  @Test
  void aProcessRowIsMeasuredByTheSameCostPerItem() {
    // 1,000 items: the baseline took 10 ms, the row 100 ms on 2 workers: (2 x 100 - 10) / 1,000.
    String text =
        Verdict.processes(
            "pool-processes", "shipping", 2, 1_000, "task", "sequential", 10_000_000, 100_000_000);

    assertThat(text)
        .isEqualTo(
            "pool-processes (2 worker processes) is 10.00x slower than sequential: it spends about"
                + " 190.0 µs of core time per task beyond it, 19 times the work, on shipping.");
  }

  @Test
  void theCopyRowIsComparedWithTheSharedOneAsAThroughput() {
    String slower =
        Verdict.copy(
            "processes-copy", 2_100_000_000L, "processes-shared", 100_000_000, 1_000_000_000);
    String notSlower =
        Verdict.copy("processes-copy", 90_000_000, "processes-shared", 100_000_000, 8_000_000);

    assertThat(slower)
        .startsWith("processes-copy took 2.0 s more than processes-shared")
        .contains("the 1,000.0 MB array")
        .contains("at about 500.0 MB/s");
    assertThat(notSlower).contains("was not slower than processes-shared");
  }
}
