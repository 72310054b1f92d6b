package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.cli.FileWorkload.StationStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWorkloadTest {
  @TempDir Path dir;

  private static SortedMap<String, StationStats> of(String station, StationStats stats) {
    SortedMap<String, StationStats> map = new TreeMap<>();
    map.put(station, stats);
    return map;
  }

  @Test
  void everyStrategyReproducesTheReferenceOnAGeneratedFile() throws Exception {
    Path file = dir.resolve("m.txt");
    FileWorkload.generate(file, 30_000);
    SortedMap<String, StationStats> reference = FileWorkload.reference(file);
    assertThat(reference).hasSize(GenCommand.Measurements.STATIONS);
    assertThat(reference.values().stream().mapToLong(StationStats::count).sum()).isEqualTo(30_000);

    Showdown<Path, SortedMap<String, StationStats>> showdown =
        new Showdown<>(file, reference, FileWorkload::difference, 0, 1);
    for (Strategy<Path, SortedMap<String, StationStats>> strategy : FileWorkload.strategies()) {
      assertThat(showdown.run(strategy).rounds()).as(strategy.name()).hasSize(1);
    }
  }

  @Test
  void theSameSeedWritesTheSameFileAsWeftGen() throws Exception {
    Path ours = dir.resolve("ours.txt");
    Path gen = dir.resolve("gen.txt");
    FileWorkload.generate(ours, 1_000);
    assertThat(ShowdownCommandTest.weft("gen", "measurements", "--rows", "1000", gen.toString()))
        .extracting(ShowdownCommandTest.Run::exitCode)
        .isEqualTo(0);

    assertThat(Files.readAllBytes(ours)).isEqualTo(Files.readAllBytes(gen));
  }

  @Test
  void aMeanWithinTheToleranceOfTheStationsScaleAgrees() {
    var want = of("Oslo", new StationStats(3, -20.0, 0.1, 30.0));
    // The scale is 30: 1e-9 of it is 3e-8.
    var close = of("Oslo", new StationStats(3, -20.0, 0.1 + 2.9e-8, 30.0));
    var far = of("Oslo", new StationStats(3, -20.0, 0.1 + 3.1e-8, 30.0));

    assertThat(FileWorkload.difference(want, close)).isEmpty();
    assertThat(FileWorkload.difference(want, far))
        .hasValueSatisfying(d -> assertThat(d).startsWith("at station Oslo expected 3 rows"));
  }

  @Test
  void countMinAndMaxMustBeExact() {
    var want = of("Oslo", new StationStats(3, -20.0, 0.1, 30.0));

    assertThat(FileWorkload.difference(want, of("Oslo", new StationStats(4, -20.0, 0.1, 30.0))))
        .isPresent();
    assertThat(FileWorkload.difference(want, of("Oslo", new StationStats(3, -20.1, 0.1, 30.0))))
        .isPresent();
    assertThat(
            FileWorkload.difference(
                want, of("Oslo", new StationStats(3, -20.0, 0.1, Math.nextUp(30.0)))))
        .isPresent();
  }

  @Test
  void missingAndExtraStationsAreNamed() {
    var want = of("Oslo", new StationStats(1, 1, 1, 1));
    want.put("Lima", new StationStats(1, 2, 2, 2));
    var got = of("Oslo", new StationStats(1, 1, 1, 1));
    got.put("Bern", new StationStats(1, 2, 2, 2));

    assertThat(FileWorkload.difference(want, got))
        .hasValue("expected 2 stations but got 2; missing [Lima]; unexpected [Bern]");
  }

  @Test
  void aWrongResultFailsTheShowdownNamingTheStrategy() throws Exception {
    Path file = Files.writeString(dir.resolve("m.txt"), "Oslo;1.0\nOslo;2.0\n");
    Strategy<Path, SortedMap<String, StationStats>> off =
        Strategy.of(
            "off", "a mean one tenth too high", p -> of("Oslo", new StationStats(2, 1, 1.6, 2)));

    assertThatThrownBy(() ->
            new Showdown<>(file, FileWorkload.reference(file), FileWorkload::difference, 0, 1)
                .run(off))
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("strategy off returned a wrong result: at station Oslo");
  }

  @Test
  void theReferenceNamesALineThatIsNotAMeasurement() throws Exception {
    Path file = Files.writeString(dir.resolve("m.txt"), "Oslo;1.0\n\nOslo;2;3\n");

    assertThatThrownBy(() -> FileWorkload.reference(file))
        .isInstanceOf(CommandFailedException.class)
        .hasMessage(file + ":3 is not a 'station;temperature' line: Oslo;2;3");
  }
}
