package dev.weft.cli;

import static dev.weft.cli.AggCommandTest.weft;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.cli.AggCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft gen measurements}: what it accepts and how it refuses. */
class GenCommandTest {
  @TempDir Path dir;

  @Test
  void acceptsGroupedDigits() throws Exception {
    Path f = dir.resolve("m.txt");

    Run run = weft("gen", "measurements", "--rows", "1_000", f.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Files.readAllLines(f)).hasSize(1_000);
    assertThat(run.out()).startsWith("wrote 1,000 rows (" + String.format("%,d", Files.size(f)));
  }

  @Test
  void refusesARowCountThatWouldFillTheDiskBeforeWritingAnything() {
    Path f = dir.resolve("m.txt");

    Run run = weft("gen", "measurements", "--rows", "1000000000000000", f.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("--rows 1,000,000,000,000,000 would write about")
        .contains("MB free: lower --rows");
    assertThat(f).doesNotExist();
  }

  @Test
  void theEstimateIsCloseToWhatIsWritten() throws Exception {
    Path f = dir.resolve("m.txt");
    GenCommand.Measurements.write(f, 50_000, 1);

    double estimate = GenCommand.Measurements.estimatedBytes(50_000, 1);

    assertThat(estimate).isBetween(0.95 * Files.size(f), 1.05 * Files.size(f));
  }

  @Test
  void aMissingDirectoryIsNamedAsSuch() {
    Path f = dir.resolve("no/such/m.txt");

    Run run = weft("gen", "measurements", "--rows", "10", f.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "weft gen measurements: cannot write "
                + f
                + ": no such directory: "
                + f.toAbsolutePath().getParent()
                + System.lineSeparator());
  }

  @Test
  void aDirectoryIsNotATarget() {
    Run run = weft("gen", "measurements", "--rows", "10", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("cannot write " + dir + ": it is a directory");
  }

  @Test
  void negativeRowsAreAUsageError() {
    Run run = weft("gen", "measurements", "--rows", "-5", dir.resolve("m.txt").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--rows").contains("'-5' is not a whole number");
  }
}
