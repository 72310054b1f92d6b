package dev.weft.cli;

import static dev.weft.cli.ShowdownCommandTest.weft;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.shm.SharedMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The showdown's worker-process rows and its array workload: they agree, and leave nothing. */
class ShowdownProcessesTest {
  private static final long PID = ProcessHandle.current().pid();

  /** Every test: no worker process and no segment of this JVM's showdown outlives the command. */
  @AfterEach
  void leavesNoWorkerAndNoSegment() throws IOException {
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList())
        .as("worker processes still alive")
        .isEmpty();
    assertThat(segments()).as("segments left in " + SharedMemory.directory()).isEmpty();
  }

  /** Files of this JVM's showdown segments, whatever state they are in (named, unlinked). */
  private static List<String> segments() throws IOException {
    try (Stream<Path> files = Files.list(SharedMemory.directory())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.contains("showdown-" + PID + "-"))
          .toList();
    }
  }

  @Test
  void processRowsOfSquaresAgreeWithTheLoopAndGetAVerdict() {
    ShowdownCommandTest.Run run =
        weft(
            "showdown",
            "--workload",
            "squares",
            "--size",
            "10_000",
            "--rounds",
            "1",
            "--warmup",
            "0",
            "--only",
            "sequential,pool-cpu,pool-processes,pool-processes-per-item");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.rowNames())
        .containsExactly("sequential", "pool-cpu", "pool-processes", "pool-processes-per-item");
    assertThat(run.flatOut())
        .contains("pool-processes (" + Runtime.getRuntime().availableProcessors() + " worker")
        .contains("pool-processes-per-item (")
        .contains("round trip to a worker per integer")
        .contains("plus the worker processes' CPU time")
        .contains("equalled the plain loop's");
  }

  @Test
  void theDefaultSquaresRunLeavesPerItemProcessesOutAboveTheLimitAndSaysSo() {
    ShowdownCommandTest.Run run =
        weft("showdown", "--workload", "squares", "--size", "20000", "--rounds", "1");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.rowNames()).contains("pool-processes").doesNotContain("pool-processes-per-item");
    assertThat(run.flatOut())
        .contains("pool-processes-per-item not run:")
        .contains("name it in --only to run it");
  }

  @Test
  void workTasksShipToProcesses() {
    ShowdownCommandTest.Run run =
        weft(
            "showdown",
            "--workload",
            "work",
            "--tasks",
            "8",
            "--rounds",
            "1",
            "--warmup",
            "0",
            "--only",
            "sequential,pool-processes,pool-processes-per-item");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.rowNames())
        .containsExactly("sequential", "pool-processes", "pool-processes-per-item");
  }

  @Test
  void everyArrayStrategyReturnsTheSameSum() {
    ShowdownCommandTest.Run run =
        weft("showdown", "--workload", "array", "--array-mb", "8", "--rounds", "2");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.rowNames())
        .containsExactly("sequential", "pool-cpu", "processes-shared", "processes-copy");
    assertThat(run.flatOut())
        .contains("sum 1,000,000 doubles (8.0 MB), passed to 2 worker processes")
        .contains("equalled the plain loop's exactly")
        .contains("verdict: pool-cpu is")
        .containsPattern("processes-copy (took|was not slower)");
  }

  @Test
  void sharedMemoryAloneNeedsNoHeapArray() {
    ShowdownCommandTest.Run run =
        weft(
            "showdown",
            "--workload",
            "array",
            "--array-mb",
            "4",
            "--rounds",
            "1",
            "--warmup",
            "0",
            "--only",
            "processes-shared");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.rowNames()).containsExactly("processes-shared");
  }

  @Test
  void badArraySizesAreOneLineUsageErrors() {
    for (String bad : List.of("0", "16001", "-3", "lots", "99999999999999999999")) {
      ShowdownCommandTest.Run run = weft("showdown", "--workload", "array", "--array-mb", bad);
      assertThat(run.exitCode()).as(bad).isEqualTo(2);
      assertThat(run.err().lines().toList())
          .as(bad)
          .hasSize(2)
          .last()
          .isEqualTo("Try 'weft showdown --help' for more information.");
      assertThat(run.out()).as(bad).isEmpty();
    }
    assertThat(weft("showdown", "--workload", "array", "--array-mb", "0").err())
        .contains("--array-mb must be 1..16,000, was 0");
  }

  @Test
  void anArrayTooLargeForThisJvmOrMachineIsRefusedBeforeAnythingRuns() {
    // 16 GB is more than the tests' heap, and its copies more than most machines have.
    ShowdownCommandTest.Run run = weft("showdown", "--workload", "array", "--array-mb", "16000");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--array-mb 16,000 needs about").containsPattern("Xmx|machine");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void arrayOptionsBelongToTheArrayWorkload() {
    ShowdownCommandTest.Run squares = weft("showdown", "--array-mb", "8");
    ShowdownCommandTest.Run only =
        weft("showdown", "--workload", "array", "--array-mb", "8", "--only", "pool-kernel");

    assertThat(squares.exitCode()).isEqualTo(2);
    assertThat(squares.err()).contains("--array-mb belongs to --workload array");
    assertThat(only.exitCode()).isEqualTo(2);
    assertThat(only.err())
        .contains("unknown strategy 'pool-kernel'")
        .contains("processes-shared, processes-copy");
  }

  @Test
  void theHelpNamesTheArrayWorkloadAndWhyItIsNotInTheDefault() {
    ShowdownCommandTest.Run run = weft("showdown", "--help");

    assertThat(run.flatOut())
        .contains("--array-mb=MB")
        .contains("Strategies, array: sequential, pool-cpu, processes-shared, processes-copy")
        .contains("not in the default");
  }
}
