package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ShowdownCommandTest {
  private static final List<String> ALL =
      List.of(
          "sequential",
          "pool-cpu",
          "loop-primitive",
          "pool-kernel",
          "thread-per-task",
          "pool-io",
          "parallel-stream",
          "pool-processes",
          "pool-processes-per-item");

  /** What one run of the command printed and returned. */
  record Run(int exitCode, String out, String err) {
    /** The output with every run of white space made one space, so wrapped text can be matched. */
    String flatOut() {
      return out.replaceAll("\\s+", " ");
    }

    /** The table rows: lines that start with a strategy name followed by four figures. */
    List<String> rowNames() {
      Pattern row =
          Pattern.compile(
              "^(\\S+)\\s+[\\d,.]+\\s+([\\d,.]+|n/a)\\s+[\\d.]+\\s+\\S+\\s+([\\d.]+%|-)$");
      return out.lines().map(row::matcher).filter(m -> m.matches()).map(m -> m.group(1)).toList();
    }
  }

  static Run weft(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = WeftCommand.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exitCode = cmd.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  @Test
  void printsARowForEveryStrategy() {
    Run run =
        weft(
            "showdown",
            "--workload",
            "squares",
            "--size",
            "10000",
            "--rounds",
            "1",
            "--warmup",
            "0");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.rowNames()).containsExactlyElementsOf(ALL);
    assertThat(run.flatOut())
        .contains("square 10,000 boxed Integers")
        .contains(Runtime.getRuntime().availableProcessors() + " cores")
        .contains("JVM " + Runtime.version())
        .contains("max heap")
        .contains("how it was measured")
        .contains("every round's result, warm-up rounds included, equalled the plain loop's");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void sequentialRowIsTheBaseline() {
    Run run =
        weft(
            "showdown",
            "--workload",
            "squares",
            "--size",
            "2000",
            "--rounds",
            "2",
            "--warmup",
            "0");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines().filter(l -> l.startsWith("sequential ")))
        .singleElement()
        .satisfies(l -> assertThat(l).contains(" 1.00x "));
  }

  @Test
  void onlyRunsTheNamedStrategiesInTableOrder() {
    Run run =
        weft(
            "showdown",
            "--workload",
            "squares",
            "--size",
            "10000",
            "--rounds",
            "1",
            "--only",
            "pool-cpu,sequential");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.rowNames()).containsExactly("sequential", "pool-cpu");
    assertThat(run.out()).doesNotContain("thread-per-task").doesNotContain("parallel-stream");
  }

  @Test
  void withoutSequentialTheSpeedUpIsNotShown() {
    Run run = weft("showdown", "--size", "1000", "--rounds", "1", "--only", "pool-io");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.rowNames()).containsExactly("pool-io");
    assertThat(run.flatOut()).contains("sequential was not run; add it to --only");
  }

  @Test
  void acceptsGroupedDigits() {
    Run run =
        weft(
            "showdown",
            "--workload",
            "squares",
            "--size",
            "1_000",
            "--rounds",
            "1",
            "--only",
            "sequential");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("square 1,000 boxed Integers");
  }

  @Test
  void sizeZeroIsAUsageError() {
    Run run = weft("showdown", "--size", "0");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--size").contains("1..100,000,000").contains("was 0");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void sizeAboveTheLimitIsAUsageError() {
    Run run = weft("showdown", "--size", "100000001");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--size").contains("was 100,000,001");
  }

  @Test
  void nonNumericSizeIsAUsageError() {
    Run run = weft("showdown", "--size", "abc");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--size").contains("'abc' is not a whole number");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void unknownStrategyIsAUsageErrorListingTheValidNames() {
    Run run = weft("showdown", "--only", "nope");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("unknown strategy 'nope'");
    ALL.forEach(name -> assertThat(run.err()).contains(name));
    assertThat(run.out()).isEmpty();
  }

  @Test
  void roundsAndWarmupAreBounded() {
    assertThat(weft("showdown", "--rounds", "0").exitCode()).isEqualTo(2);
    assertThat(weft("showdown", "--rounds", "51").err()).contains("--rounds must be 1..50");
    assertThat(weft("showdown", "--warmup", "-1").err()).contains("--warmup must be 0..50");
  }

  @Test
  void unknownOptionIsAUsageError() {
    Run run = weft("showdown", "--sise", "10");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--sise").contains("weft showdown --help");
  }

  private static final List<String> FILE = List.of("read-all", "parallel-stream", "weft-chunked");

  @Test
  void fileWorkloadRunsEveryStrategyOnAGeneratedFileAndDeletesIt() {
    Run run = weft("showdown", "--workload", "file", "--rows", "5_000", "--rounds", "1");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.rowNames()).containsExactlyElementsOf(FILE);
    assertThat(run.out().lines().filter(l -> l.startsWith("read-all ")))
        .singleElement()
        .satisfies(l -> assertThat(l).contains(" 1.00x "));
    assertThat(run.flatOut())
        .contains("min/mean/max per station of 5,000 rows")
        .contains("generated with seed 1 into a temp file deleted afterwards")
        .contains("matched a sequential pass")
        .contains("the read-all row's wall time divided by this row's");
    assertThat(run.err()).isEmpty();
    Matcher path = Pattern.compile("\\((\\S+weft-showdown-\\S+\\.txt),").matcher(run.out());
    assertThat(path.find()).as(run.out()).isTrue();
    assertThat(Path.of(path.group(1))).doesNotExist();
  }

  @Test
  void fileWorkloadReadsAGivenFileAndLeavesIt(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("m.txt"), "Oslo;-3.5\nLima;18.0\n\nOslo;1.5\n");

    Run run =
        weft(
            "showdown",
            "--workload=file",
            "--file",
            file.toString(),
            "--rounds",
            "2",
            "--warmup",
            "1",
            "--only",
            "weft-chunked,read-all");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.rowNames()).containsExactly("read-all", "weft-chunked");
    assertThat(run.flatOut()).contains("of 3 rows, 2 stations").contains("(" + file + ")");
    assertThat(file).exists();
  }

  @Test
  void fileWorkloadNamesTheFirstLineThatIsNotAMeasurement(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("m.txt"), "Oslo;-3.5\nLima 18.0\n");

    Run run = weft("showdown", "--workload", "file", "--file", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(file + ":2 is not a 'station;temperature' line: Lima 18.0");
  }

  @Test
  void fileWorkloadWithAMissingFileFails(@TempDir Path dir) {
    Run run = weft("showdown", "--workload", "file", "--file", dir.resolve("nope").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("no such file");
  }

  @Test
  void onlyChecksNamesAgainstTheChosenWorkload() {
    Run run = weft("showdown", "--workload", "file", "--only", "pool-cpu,read-all,nope");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("unknown strategy 'pool-cpu', 'nope' in --only")
        .contains("valid names: read-all, parallel-stream, weft-chunked");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void rowsAreBounded() {
    Run zero = weft("showdown", "--workload", "file", "--rows", "0");
    Run huge = weft("showdown", "--workload", "file", "--rows", "1,000,000,001");
    Run text = weft("showdown", "--workload", "file", "--rows", "many");

    assertThat(List.of(zero, huge, text)).allSatisfy(r -> assertThat(r.exitCode()).isEqualTo(2));
    assertThat(zero.err()).contains("--rows must be 1..1,000,000,000, was 0");
    assertThat(huge.err()).contains("was 1,000,000,001");
    assertThat(text.err()).contains("--rows").contains("'many' is not a whole number");
    assertThat(zero.out() + huge.out() + text.out()).isEmpty();
  }

  @Test
  void eachWorkloadRejectsTheOtherOnesOptions(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("m.txt"), "Oslo;1.0\n");

    Run size = weft("showdown", "--workload", "file", "--size", "1000");
    Run rows = weft("showdown", "--rows", "1000");
    Run path = weft("showdown", "--workload", "squares", "--file", file.toString());
    Run both = weft("showdown", "--workload", "file", "--rows", "10", "--file", file.toString());

    assertThat(List.of(size, rows, path, both))
        .allSatisfy(r -> assertThat(r.exitCode()).isEqualTo(2));
    assertThat(size.err()).contains("--size belongs to --workload squares");
    assertThat(rows.err()).contains("--rows belongs to --workload file");
    assertThat(path.err()).contains("--file belongs to --workload file");
    assertThat(both.err()).contains("--rows and --file exclude each other");
  }

  @Test
  void anUnknownWorkloadIsAUsageErrorListingTheValidOnes() {
    Run run = weft("showdown", "--workload", "cubes");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--workload").contains("cubes").contains("squares, work, file");
  }

  @Test
  void aFileThatIsNotUtf8IsExplainedInOneLine(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("x.bin"), new byte[] {'O', ';', (byte) 0xff, '\n'});

    Run run = weft("showdown", "--workload", "file", "--file", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "weft showdown: "
                + file
                + " is not UTF-8 text: invalid bytes at its start (expected"
                + " 'station;temperature' lines)"
                + System.lineSeparator());
  }

  @Test
  void aDirectoryIsNotCalledMissing(@TempDir Path dir) {
    Run run = weft("showdown", "--workload", "file", "--file", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(dir + " is a directory").doesNotContain("no such file");
  }

  @Test
  void aBadLineIsQuotedEscapedAndShort(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(dir.resolve("m.txt"), "Oslo;1.0\n" + "\u001b[2J".repeat(40) + "\n");

    Run run = weft("showdown", "--workload", "file", "--file", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(":2 is not a 'station;temperature' line: \\x1b[2J")
        .endsWith("..." + System.lineSeparator());
    assertThat(run.err().strip().chars()).noneMatch(c -> c < 0x20);
  }

  @Test
  void sizesAreDecimalMegabytesAndSaySo() {
    Run run =
        weft(
            "showdown",
            "--workload",
            "squares",
            "--size",
            "1000",
            "--rounds",
            "1",
            "--only",
            "sequential");

    assertThat(run.flatOut()).contains("1 MB = 1,000,000 bytes").doesNotContain("1,048,576");
  }

  private static final List<String> WORK =
      List.of(
          "sequential",
          "parallel-stream",
          "pool-cpu",
          "fixed-pool",
          "pool-processes",
          "pool-processes-per-item");

  @Test
  void theDefaultRunShowsSquaresThenWorkEachWithAVerdict() {
    Run run = weft("showdown", "--size", "1000", "--tasks", "20", "--rounds", "1", "--warmup", "0");

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> expected = new java.util.ArrayList<>(ALL);
    expected.addAll(WORK);
    assertThat(run.rowNames()).containsExactlyElementsOf(expected);
    assertThat(run.flatOut())
        .contains("square 1,000 boxed Integers")
        .contains("20 tasks of about 1 ms of CPU each");
    // Each verdict sits under its table, before the table's legend.
    assertThat(run.out().split("verdict: ", -1)).hasSize(3);
    assertThat(run.out().indexOf("verdict: ")).isLessThan(run.out().indexOf("strategies:"));
    assertThat(run.flatOut())
        .contains("verdict: pool-cpu is")
        .containsPattern("each task (is|took) about");
  }

  @Test
  void aVerdictNeedsBothRows() {
    Run run =
        weft(
            "showdown",
            "--workload",
            "work",
            "--tasks",
            "4",
            "--rounds",
            "1",
            "--only",
            "pool-cpu");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.flatOut()).contains("verdict: run both sequential and pool-cpu (see --only)");
  }

  @Test
  void workEfficiencyIsShownForEveryRow() {
    Run run =
        weft("showdown", "--workload", "work", "--tasks", "8", "--rounds", "1", "--warmup", "0");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.rowNames()).containsExactlyElementsOf(WORK);
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(run.out().lines().filter(l -> l.startsWith("sequential ")))
        .singleElement()
        .satisfies(l -> assertThat(l).endsWith(" " + Math.round(100.0 / cores) + "%"));
    assertThat(run.flatOut()).contains("efficiency the speed-up divided by the cores");
  }

  @Test
  void tasksBelongToTheWorkWorkloadAndAreBounded() {
    Run squares = weft("showdown", "--workload", "squares", "--tasks", "10");
    Run zero = weft("showdown", "--workload", "work", "--tasks", "0");

    assertThat(squares.exitCode()).isEqualTo(2);
    assertThat(squares.err()).contains("--tasks belongs to --workload work");
    assertThat(zero.exitCode()).isEqualTo(2);
    assertThat(zero.err()).contains("--tasks must be 1..1,000,000, was 0");
  }

  @Test
  void calibratedTasksAreDeterministic() {
    Work work = Work.ofRounds(1_000);
    assertThat(work.reference(Work.inputs(5))).isEqualTo(work.reference(Work.inputs(5)));
    assertThat(Work.calibrate().rounds()).isPositive();
  }
}
