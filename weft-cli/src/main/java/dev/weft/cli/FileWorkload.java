package dev.weft.cli;

import dev.weft.Pool;
import dev.weft.io.Records;
import dev.weft.io.Stats;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.DoubleSummaryStatistics;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The showdown's second workload: min/mean/max temperature per station over a file of {@code
 * station;temperature} lines, as {@code weft gen measurements} writes them. What the strategies
 * differ in is how they read the file: all of it into memory, a parallel stream of lines, or
 * weft-io's chunks parsed from bytes on a pool.
 *
 * <p>Results are compared per station: the same stations and counts, min and max exactly (every
 * strategy parses each number to the nearest double), and the mean to {@link #MEAN_TOLERANCE}
 * relative to the station's largest absolute value, since each strategy sums in its own order and
 * with its own precision (a plain double sum, Kahan's compensated sum, an exact sum).
 */
final class FileWorkload {
  /** The generator's seed for a file the showdown writes itself. */
  static final long SEED = 1;

  /** How far a mean may be from the reference's, relative to the station's largest |value|. */
  static final double MEAN_TOLERANCE = 1e-9;

  /** {@link #MEAN_TOLERANCE} as the report writes it. */
  static final String MEAN_TOLERANCE_TEXT = "1e-9";

  private FileWorkload() {}

  /**
   * One station's figures.
   *
   * @param count how many lines
   * @param min the lowest temperature
   * @param mean the mean temperature
   * @param max the highest temperature
   */
  record StationStats(long count, double min, double mean, double max) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d rows, %s/%s/%s", count, min, mean, max);
    }
  }

  /**
   * Writes {@code rows} measurements with the generator of {@code weft gen measurements} and the
   * fixed {@link #SEED}, so the same row count always makes the same file.
   */
  static void generate(Path file, long rows) throws IOException {
    GenCommand.Measurements.write(file, rows, SEED);
  }

  /**
   * The answer every strategy must reproduce, computed untimed by one sequential streaming pass (so
   * it works on a file larger than memory), with compensated sums; independent of weft-io.
   *
   * @param file the measurements
   * @return the figures per station
   * @throws IOException if the file cannot be read
   * @throws CommandFailedException if a line is not {@code station;number}, naming the line
   */
  static SortedMap<String, StationStats> reference(Path file) throws IOException {
    Map<String, DoubleSummaryStatistics> byStation = new HashMap<>();
    long number = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        number++;
        if (line.isEmpty()) {
          continue;
        }
        int semicolon = line.indexOf(';');
        double value;
        try {
          if (semicolon < 0 || line.indexOf(';', semicolon + 1) >= 0) {
            throw new NumberFormatException("not two fields");
          }
          value = Double.parseDouble(line.substring(semicolon + 1));
        } catch (NumberFormatException e) {
          throw new CommandFailedException(
              String.format(
                  Locale.ROOT,
                  "%s:%d is not a 'station;temperature' line: %s",
                  Text.escape(file.toString()),
                  number,
                  Text.excerpt(line, Text.EXCERPT)));
        }
        byStation
            .computeIfAbsent(line.substring(0, semicolon), k -> new DoubleSummaryStatistics())
            .accept(value);
      }
    } catch (CharacterCodingException e) {
      // The reader decodes ahead of the line it returns: only the lines before are known good.
      throw new CommandFailedException(
          String.format(
              Locale.ROOT,
              "%s is not UTF-8 text: invalid bytes %s (expected 'station;temperature' lines)",
              Text.escape(file.toString()),
              number == 0 ? "at its start" : "after line " + number),
          e);
    }
    return fromSummaries(byStation);
  }

  /** The strategies in the order the table shows them; {@code read-all} first, the baseline. */
  static List<Strategy<Path, SortedMap<String, StationStats>>> strategies() {
    return List.of(
        Strategy.of(
            "read-all",
            "Files.readAllLines, split each line, a HashMap on one thread: the whole file in heap",
            FileWorkload::readAll),
        Strategy.of(
            "parallel-stream",
            "Files.lines(path).parallel(), groupingBy + summarizingDouble on the common ForkJoinPool",
            FileWorkload::parallelStream),
        new Strategy<>(
            "weft-chunked",
            "weft Records.csv(path).delimiter(';').statsBy on Pool.cpu(): chunks parsed from bytes",
            () -> {
              Pool pool = Pool.cpu();
              return Strategy.Run.of(path -> weftChunked(pool, path), pool::close);
            }));
  }

  /** The naive way: every line a String in one list, then one thread does the rest. */
  private static SortedMap<String, StationStats> readAll(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, double[]> byStation = new HashMap<>(); // count, sum, min, max
    for (String line : lines) {
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = line.split(";");
      double value = Double.parseDouble(fields[1]);
      double[] a = byStation.get(fields[0]);
      if (a == null) {
        byStation.put(fields[0], new double[] {1, value, value, value});
      } else {
        a[0]++;
        a[1] += value;
        a[2] = Math.min(a[2], value);
        a[3] = Math.max(a[3], value);
      }
    }
    SortedMap<String, StationStats> out = new TreeMap<>();
    byStation.forEach(
        (station, a) -> out.put(station, new StationStats((long) a[0], a[2], a[1] / a[0], a[3])));
    return out;
  }

  private static SortedMap<String, StationStats> parallelStream(Path file) throws IOException {
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      Map<String, DoubleSummaryStatistics> byStation =
          lines
              .parallel()
              .filter(line -> !line.isEmpty())
              .map(line -> line.split(";"))
              .collect(
                  Collectors.groupingBy(
                      fields -> fields[0],
                      Collectors.summarizingDouble(fields -> Double.parseDouble(fields[1]))));
      return fromSummaries(byStation);
    }
  }

  private static SortedMap<String, StationStats> weftChunked(Pool pool, Path file)
      throws InterruptedException {
    SortedMap<String, StationStats> out = new TreeMap<>();
    for (Map.Entry<String, Stats> e :
        Records.csv(file).delimiter(';').statsBy(pool, 0, 1).value().entrySet()) {
      Stats s = e.getValue();
      out.put(e.getKey(), new StationStats(s.count(), s.min(), s.mean(), s.max()));
    }
    return out;
  }

  private static SortedMap<String, StationStats> fromSummaries(
      Map<String, DoubleSummaryStatistics> byStation) {
    SortedMap<String, StationStats> out = new TreeMap<>();
    byStation.forEach((station, s) ->
        out.put(station, new StationStats(s.getCount(), s.getMin(), s.getAverage(), s.getMax())));
    return out;
  }

  /**
   * The check of {@code weft showdown --workload file}: the same stations, each with the same
   * count, min and max, and a mean within {@link #MEAN_TOLERANCE} of the station's largest absolute
   * value.
   *
   * @param expected the reference
   * @param actual a round's result
   * @return empty if they agree, else the first station that does not, or the stations missing or
   *     extra
   */
  static Optional<String> difference(
      SortedMap<String, StationStats> expected, SortedMap<String, StationStats> actual) {
    if (!expected.keySet().equals(actual.keySet())) {
      List<String> missing =
          expected.keySet().stream().filter(k -> !actual.containsKey(k)).limit(3).toList();
      List<String> extra =
          actual.keySet().stream().filter(k -> !expected.containsKey(k)).limit(3).toList();
      return Optional.of(
          String.format(
              Locale.ROOT,
              "expected %d stations but got %d%s%s",
              expected.size(),
              actual.size(),
              missing.isEmpty() ? "" : "; missing " + missing,
              extra.isEmpty() ? "" : "; unexpected " + extra));
    }
    for (Map.Entry<String, StationStats> e : expected.entrySet()) {
      StationStats want = e.getValue();
      StationStats got = actual.get(e.getKey());
      double scale = Math.max(Math.abs(want.min()), Math.abs(want.max()));
      boolean same =
          want.count() == got.count()
              && want.min() == got.min()
              && want.max() == got.max()
              && Math.abs(want.mean() - got.mean()) <= MEAN_TOLERANCE * scale;
      if (!same) {
        return Optional.of("at station " + e.getKey() + " expected " + want + " but got " + got);
      }
    }
    return Optional.empty();
  }
}
