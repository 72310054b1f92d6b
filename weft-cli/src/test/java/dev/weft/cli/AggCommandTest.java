package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code weft gen measurements} and {@code weft agg}, end to end. */
class AggCommandTest {
  @TempDir Path dir;

  record Run(int exitCode, String out, String err) {}

  static Run weft(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = WeftCommand.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void generatedMeasurementsAreDeterministicAndAggregate() throws Exception {
    Path a = dir.resolve("a.txt");
    Path b = dir.resolve("b.txt");
    assertThat(weft("gen", "measurements", "--rows", "20000", a.toString()).exitCode()).isZero();
    assertThat(weft("gen", "measurements", "--rows", "20000", b.toString()).exitCode()).isZero();
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    assertThat(Files.readAllLines(a)).hasSize(20000).allMatch(l -> l.matches("[^;]+;-?\\d+\\.\\d"));

    Run whole = weft("agg", a.toString());
    Run chunked = weft("agg", a.toString(), "--chunk-size", "1000");
    assertThat(whole.exitCode()).as(whole.err()).isZero();
    assertThat(chunked.out()).isEqualTo(whole.out());
    List<String> lines = whole.out().lines().toList();
    assertThat(lines).hasSizeGreaterThan(300).isSorted();
    assertThat(lines).allMatch(l -> l.matches(".+=-?\\d+\\.\\d/-?\\d+\\.\\d/-?\\d+\\.\\d"));
    assertThat(whole.err()).contains("rows 20000, bytes " + Files.size(a)).contains("MB/s");
  }

  @Test
  void badRowsFailWithTheirPositionOrAreSkipped() throws Exception {
    Path f = Files.writeString(dir.resolve("m.txt"), "Oslo;1.0\nLima;x\nOslo;3.0\n");
    Run failed = weft("agg", f.toString());
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.err()).contains(f + ":2 (byte 9)").contains("--skip-bad");

    Run skipped = weft("agg", f.toString(), "--skip-bad");
    assertThat(skipped.exitCode()).isZero();
    assertThat(skipped.out()).isEqualTo("Oslo=1.0/2.0/3.0" + System.lineSeparator());
    assertThat(skipped.err()).contains("skipped 1 malformed rows").contains("Lima;x");
  }

  @Test
  void progressAlwaysDrawsTheBarOnStderrAndLeavesStdoutAlone() throws Exception {
    Path f = dir.resolve("m.txt");
    assertThat(weft("gen", "measurements", "--rows", "20000", f.toString()).exitCode()).isZero();
    String mb = String.format(java.util.Locale.ROOT, "%.1f", Files.size(f) / 1e6);

    Run plain = weft("agg", f.toString(), "--progress=never");
    Run barred = weft("agg", f.toString(), "--progress=always", "--chunk-size", "4096");

    assertThat(barred.exitCode()).as(barred.err()).isZero();
    assertThat(barred.out()).isEqualTo(plain.out());
    assertThat(barred.err())
        .startsWith("\r[")
        .contains("] 100%  " + mb + " / " + mb + " MB")
        .contains("MB/s  done");
    // The bar's line is ended before the summary, which has a line of its own.
    List<String> lines = List.of(barred.err().split(System.lineSeparator()));
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).startsWith("rows 20000, bytes " + Files.size(f));
  }

  @Test
  void progressNeverAndAutoOffATerminalDrawNothing() throws Exception {
    Path f = dir.resolve("m.txt");
    assertThat(weft("gen", "measurements", "--rows", "20000", f.toString()).exitCode()).isZero();

    for (String mode : List.of("--progress=never", "--progress=auto")) {
      Run run = weft("agg", f.toString(), mode, "--chunk-size", "4096");
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.err()).startsWith("rows 20000").doesNotContain("\r").doesNotContain("%");
    }
  }

  @Test
  void anInvalidProgressModeIsAUsageError() throws Exception {
    Path f = Files.writeString(dir.resolve("m.txt"), "Oslo;1.0\n");
    Run run = weft("agg", f.toString(), "--progress=sometimes");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("--progress")
        .contains("sometimes")
        .contains("auto, always, never");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aFailedRunEndsTheBarsLineBeforeTheError() throws Exception {
    Path f = Files.writeString(dir.resolve("m.txt"), "Oslo;1.0\nLima;x\n");
    Run run = weft("agg", f.toString(), "--progress=always");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(List.of(run.err().split(System.lineSeparator())))
        .filteredOn(l -> l.startsWith("weft agg: "))
        .hasSize(1);
  }
}
