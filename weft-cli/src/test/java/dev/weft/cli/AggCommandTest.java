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
}
