package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
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
    List<String> lines = whole.out().lines().skip(1).toList();
    assertThat(whole.out()).startsWith(AggCommand.LABEL + System.lineSeparator());
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
    assertThat(skipped.out())
        .isEqualTo(AggCommand.LABEL + "\nOslo=1.0/2.0/3.0\n".replace("\n", System.lineSeparator()));
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

  /** Runs agg with {@code stdin} as its standard input. */
  static Run aggWithStdin(byte[] stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = WeftCommand.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    AggCommand agg = cmd.getSubcommands().get("agg").getCommand();
    agg.stdin = () -> new ByteArrayInputStream(stdin);
    List<String> all = new ArrayList<>(List.of("agg"));
    all.addAll(List.of(args));
    int code = cmd.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private Path measurements(String name, int rows) {
    Path f = dir.resolve(name);
    assertThat(
            weft("gen", "measurements", "--rows", Integer.toString(rows), f.toString()).exitCode())
        .isZero();
    return f;
  }

  @Test
  void dashReadsStandardInputAndGetsWhatTheFileGives() throws Exception {
    Path f = measurements("m.txt", 5_000);
    Run fromFile = weft("agg", f.toString());

    List<Path> copiesBefore = copies();
    Run fromStdin = aggWithStdin(Files.readAllBytes(f), "-");

    assertThat(fromStdin.exitCode()).as(fromStdin.err()).isZero();
    assertThat(fromStdin.out()).isEqualTo(fromFile.out());
    assertThat(fromStdin.err()).startsWith("rows 5000, bytes " + Files.size(f));
    assertThat(copies()).as("the copy is deleted").isEqualTo(copiesBefore);
  }

  private static List<Path> copies() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("weft-input-")).sorted().toList();
    }
  }

  @Test
  void anEmptyStandardInputIsAnEmptyResultNotAFailure() {
    Run run = aggWithStdin(new byte[0], "-");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo(AggCommand.LABEL + System.lineSeparator());
    assertThat(run.err()).startsWith("rows 0, bytes 0");
  }

  @Test
  void standardInputCanBeNamedOnlyOnce() {
    Run run = aggWithStdin("Oslo;1.0\n".getBytes(StandardCharsets.UTF_8), "-", "-");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("'-' (standard input) can be read only once");
  }

  @Test
  @Timeout(60)
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void aPipeIsReadWholeNotTakenForAnEmptyFile() throws Exception {
    // A pipe, as /dev/stdin or a shell's <(...) gives it: before, it read as empty ("rows 0").
    Path f = measurements("m.txt", 5_000);
    Path fifo = dir.resolve("fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Thread writer =
        Thread.ofPlatform()
            .start(() -> {
              try (OutputStream out = Files.newOutputStream(fifo)) {
                Files.copy(f, out);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });

    Run run = weft("agg", fifo.toString());
    writer.join();

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo(weft("agg", f.toString()).out());
    assertThat(run.err()).startsWith("rows 5000, bytes " + Files.size(f));
  }

  @Test
  void severalFilesAreAggregatedTogether() throws Exception {
    Path a = Files.writeString(dir.resolve("a.csv"), "Oslo;1.0\nLima;20.0\n");
    Path b = Files.writeString(dir.resolve("b.csv"), "Oslo;3.0\nRome;10.0\n");

    Run run = weft("agg", a.toString(), b.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines())
        .containsExactly(
            AggCommand.LABEL, "Lima=20.0/20.0/20.0", "Oslo=1.0/2.0/3.0", "Rome=10.0/10.0/10.0");
    assertThat(run.err()).startsWith("rows 4, bytes 38, files 2, keys 3");
  }

  @Test
  void aMissingFileAmongSeveralIsNamed() throws Exception {
    Path a = Files.writeString(dir.resolve("a.csv"), "Oslo;1.0\n");

    Run run = weft("agg", a.toString(), dir.resolve("nope.csv").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("weft agg: no such file: " + dir.resolve("nope.csv") + System.lineSeparator());
  }

  @Test
  void aMissingColumnIsNamedByItsOptionCountingFromOne() throws Exception {
    Path f = Files.writeString(dir.resolve("m.txt"), "Oslo;1.0\n");

    Run key = weft("agg", f.toString(), "--key", "5");
    Run value = weft("agg", f.toString(), "--value", "3");

    assertThat(key.exitCode()).isEqualTo(1);
    assertThat(key.err())
        .contains("the record has 2 columns, so no column 5 for --key 5")
        .doesNotContain("field 4");
    assertThat(value.err()).contains("no column 3 for --value 3").doesNotContain("field 2");
  }

  @Test
  void columnsBelowOneAreUsageErrors() throws Exception {
    Path f = Files.writeString(dir.resolve("m.txt"), "Oslo;1.0\n");

    Run run = weft("agg", f.toString(), "--key", "0");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--key must be 1 or more, was 0");
  }

  @Test
  void aBinaryFilesErrorIsOneShortLineWithoutControlCharacters() throws Exception {
    byte[] binary = new byte[2_000];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (i * 7 + 0x7f);
    }
    binary[0] = 0x7f;
    binary[1] = 'E';
    binary[2] = 0x1b; // ESC: a terminal would take what follows as a command
    binary[3] = 0;
    Path f = Files.write(dir.resolve("x.bin"), binary);

    Run run = weft("agg", f.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines()).singleElement();
    String line = run.err().strip();
    assertThat(line.chars()).noneMatch(c -> c < 0x20 || (c >= 0x7f && c < 0xa0));
    assertThat(line).contains("\\x7fE\\x1b\\x00").contains("...");
    String excerpt = line.substring(line.indexOf("\\x7fE"), line.indexOf("..."));
    assertThat(excerpt.length()).isLessThanOrEqualTo(Text.EXCERPT);
  }

  @Test
  void aDirectoryIsReadAsItsFiles() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("parts"));
    Files.writeString(sub.resolve("1.csv"), "Oslo;1.0\n");
    Files.writeString(sub.resolve("2.csv"), "Oslo;3.0\n");

    Run run = weft("agg", sub.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines()).containsExactly(AggCommand.LABEL, "Oslo=1.0/2.0/3.0");
    assertThat(run.err()).startsWith("rows 2, bytes 18, files 2");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void anEndlessDeviceIsRefusedNotCopiedUntilTheDiskIsFull() {
    Run run = weft("agg", "/dev/zero");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("/dev/zero is a device, not a file or a pipe");
  }
}
