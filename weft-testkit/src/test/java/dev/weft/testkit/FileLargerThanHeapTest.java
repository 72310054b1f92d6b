package dev.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Pool;
import dev.weft.io.FoldResult;
import dev.weft.io.Records;
import dev.weft.io.Stats;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays flat: a group-by over a file four to eight times larger than the heap of the JVM
 * that reads it succeeds (256 MiB under {@code -Xmx64m}; 1 GiB under {@code -Xmx128m} with {@code
 * -Dweft.stress=long}), with every row counted.
 */
class FileLargerThanHeapTest {
  static final int STATIONS = 400;

  @TempDir Path dir;

  @Test
  void aGroupByOverAFileLargerThanTheHeapSucceeds() throws Exception {
    long bytes = Modes.longMode() ? 1L << 30 : 256L << 20;
    String heap = Modes.longMode() ? "-Xmx128m" : "-Xmx64m";
    Path file = dir.resolve("measurements.txt");
    long rows = generate(file, bytes);
    assertThat(Files.size(file)).isGreaterThanOrEqualTo(bytes);
    ForkedJvm.Result result =
        ForkedJvm.run(List.of(heap, "-XX:+UseSerialGC"), Aggregate.class, 900, file.toString());
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("rows=" + rows + " counted=" + rows + " stations=" + STATIONS)
        .contains("min=-99.9 max=99.9");
  }

  @Test
  void theSameProgramInProcessCountsASmallFileExactly() throws Exception {
    Path file = dir.resolve("small.txt");
    long rows = generate(file, 1 << 20);
    assertThat(Aggregate.run(file)).startsWith("rows=" + rows + " counted=" + rows);
  }

  /** Writes {@code Station<k>;<t>} rows (t in tenths, -99.9 to 99.9) until the file is large. */
  static long generate(Path file, long bytes) throws IOException {
    long rows = 0;
    long written = 0;
    byte[] line = new byte[32];
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      while (written < bytes) {
        int tenths = (int) ((rows * 7919) % 1999) - 999;
        String s =
            "Station"
                + (rows % STATIONS)
                + ";"
                + (tenths < 0 ? "-" : "")
                + Math.abs(tenths) / 10
                + "."
                + Math.abs(tenths) % 10
                + "\n";
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
          line[n++] = (byte) s.charAt(i);
        }
        out.write(line, 0, n);
        written += n;
        rows++;
      }
    }
    return rows;
  }

  /** The forked program: min/mean/max per station over the file. */
  public static final class Aggregate {
    private Aggregate() {}

    static String run(Path file) throws InterruptedException {
      try (Pool pool = Pool.cpu()) {
        FoldResult<SortedMap<String, Stats>> r =
            Records.csv(file).delimiter(';').statsBy(pool, 0, 1);
        long counted = r.value().values().stream().mapToLong(Stats::count).sum();
        double min = r.value().values().stream().mapToDouble(Stats::min).min().orElseThrow();
        double max = r.value().values().stream().mapToDouble(Stats::max).max().orElseThrow();
        return "rows="
            + r.records()
            + " counted="
            + counted
            + " stations="
            + r.value().size()
            + " min="
            + min
            + " max="
            + max;
      }
    }

    /**
     * Prints the summary line.
     *
     * @param args the file
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
      System.out.println(run(Path.of(args[0])));
    }
  }
}
