package dev.weft.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Pool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: every chunk size, from one line per chunk to the whole file, gives the same answer, and
 * that answer is the sequential reference's. Seeded random files with quotes, CRLF, blank lines,
 * non-ASCII keys and awkward numbers.
 */
class ChunkIndependenceTest {
  static Pool pool;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    pool = Pool.cpu(2);
  }

  @AfterAll
  static void stop() {
    pool.close();
  }

  static final String[] KEYS = {
    "Abha",
    "Zürich",
    "\"quoted; key\"",
    "São Paulo",
    "\"say \"\"x\"\"\"",
    "",
    "Ōsaka",
    "a",
    // Longer than 16 bytes, equal in the first and last eight: only the middle tells them apart.
    "Llanfairpwllgwyngyll",
    "LlanfairPWLLgwyngyll"
  };

  static String number(Random rnd) {
    return switch (rnd.nextInt(8)) {
      case 0 -> Integer.toString(rnd.nextInt(200) - 100);
      case 1 -> String.format("%.1f", rnd.nextGaussian() * 20).replace(',', '.');
      case 2 -> Double.toString(rnd.nextDouble() * 1e6);
      case 3 -> "1e" + (rnd.nextInt(40) - 20);
      case 4 -> "0.1";
      case 5 -> rnd.nextBoolean() ? "-.25" : rnd.nextBoolean() ? "-0.0" : "0";
      case 6 -> Long.toString(rnd.nextLong() >> 20);
      default -> String.format("%.3f", rnd.nextDouble() * 100 - 50).replace(',', '.');
    };
  }

  static Path generate(Path file, long seed, int rows, boolean withErrors) throws IOException {
    Random rnd = new Random(seed);
    StringBuilder sb = new StringBuilder();
    if (rnd.nextBoolean()) {
      sb.append('\uFEFF');
    }
    sb.append("station;value\n");
    for (int i = 0; i < rows; i++) {
      if (rnd.nextInt(30) == 0) {
        sb.append(rnd.nextBoolean() ? "\n" : "\r\n");
        continue;
      }
      String value = withErrors && rnd.nextInt(25) == 0 ? "bad" : number(rnd);
      String row = KEYS[rnd.nextInt(KEYS.length)] + ";" + value;
      if (withErrors && rnd.nextInt(40) == 0) {
        row = row + ";extra";
      }
      sb.append(row).append(rnd.nextInt(4) == 0 ? "\r\n" : "\n");
    }
    if (rnd.nextBoolean() && sb.charAt(sb.length() - 1) == '\n') {
      sb.setLength(sb.length() - 1);
    }
    return Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  @Test
  void everyChunkSizeGivesTheReferenceAnswer() throws Exception {
    for (long seed = 1; seed <= 6; seed++) {
      Path f = generate(dir.resolve("m" + seed + ".csv"), seed, 400, false);
      long size = Files.size(f);
      List<Reference.Row> ref = Reference.parse(List.of(f), true, ';', true, 0);
      SortedMap<String, Stats> expected = Reference.statsBy(ref, 0, 1);
      for (long chunk : new long[] {1, 2, 13, 100, 1000, size / 3 + 1, size, 0}) {
        Records r = Records.csv(f).delimiter(';').header(true).chunkSize(chunk);
        FoldResult<SortedMap<String, Stats>> got = r.statsBy(pool, 0, 1);
        assertThat(got.value()).as("seed %d chunk %d", seed, chunk).isEqualTo(expected);
        assertThat(got.records()).isEqualTo(ref.size());
        assertThat(got.bytes()).isEqualTo(size);
        assertThat(r.count(pool).value()).isEqualTo(ref.size());
      }
    }
  }

  @Test
  void thousandsOfKeysGiveTheReferenceAnswer() throws Exception {
    // Enough keys to grow the group-by tables many times over, some of them long.
    Random rnd = new Random(7);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      int k = rnd.nextInt(5_000);
      String key = k % 3 == 0 ? "station number " + k + " of many" : "s" + k;
      sb.append(key).append(';').append(number(rnd)).append('\n');
    }
    Path f = Files.writeString(dir.resolve("keys.csv"), sb.toString(), StandardCharsets.UTF_8);
    List<Reference.Row> ref = Reference.parse(List.of(f), true, ';', false, 0);
    SortedMap<String, Stats> expected = Reference.statsBy(ref, 0, 1);
    assertThat(expected).hasSizeGreaterThan(4_000);
    for (long chunk : new long[] {1_000, 0}) {
      FoldResult<SortedMap<String, Stats>> got =
          Records.csv(f).delimiter(';').chunkSize(chunk).statsBy(pool, 0, 1);
      assertThat(got.value()).as("chunk %d", chunk).isEqualTo(expected);
    }
  }

  @Test
  void skippedRecordsAreTheSameWhateverTheChunking() throws Exception {
    for (long seed = 10; seed <= 14; seed++) {
      Path f = generate(dir.resolve("e" + seed + ".csv"), seed, 500, true);
      List<Reference.Row> ref = Reference.parse(List.of(f), true, ';', true, 0);
      List<Reference.Row> goodRows = new ArrayList<>();
      List<Long> badLines = new ArrayList<>();
      for (Reference.Row row : ref) {
        if (row.good() && Reference.number(row.fields().get(1)) != null) {
          goodRows.add(row);
        } else {
          badLines.add(row.line());
        }
      }
      SortedMap<String, Stats> expected = Reference.statsBy(goodRows, 0, 1);
      for (long chunk : new long[] {1, 37, 500, 0}) {
        FoldResult<SortedMap<String, Stats>> got =
            Records.csv(f)
                .delimiter(';')
                .header(true)
                .chunkSize(chunk)
                .skipBad(1000)
                .statsBy(pool, 0, 1);
        assertThat(got.value()).isEqualTo(expected);
        assertThat(got.skipped()).isEqualTo(badLines.size());
        assertThat(got.badRecords()).extracting(BadRecord::line).isEqualTo(badLines);
      }
    }
  }

  @Test
  void aNonCommutativeFoldSeesRecordsInFileOrder() throws Exception {
    Path f = generate(dir.resolve("o.csv"), 99, 300, false);
    List<Reference.Row> ref = Reference.parse(List.of(f), true, ';', true, 0);
    List<Long> expected = ref.stream().map(Reference.Row::offset).collect(Collectors.toList());
    Fold<List<Long>> offsets =
        Fold.of(
            ArrayList::new,
            (acc, r) -> {
              acc.add(r.offset());
              return acc;
            },
            (a, b) -> {
              a.addAll(b);
              return a;
            });
    for (long chunk : new long[] {1, 64, 0}) {
      assertThat(
              Records.csv(f)
                  .delimiter(';')
                  .header(true)
                  .chunkSize(chunk)
                  .fold(pool, offsets)
                  .value())
          .isEqualTo(expected);
    }
  }

  @Test
  void chunksTileTheFileOnLineEnds() throws Exception {
    Path f = generate(dir.resolve("t.csv"), 7, 300, false);
    byte[] all = Files.readAllBytes(f);
    for (long chunk : new long[] {1, 5, 77, 4096, 0}) {
      List<FileChunk> chunks = Records.csv(f).chunkSize(chunk).chunks(2).toList();
      long at = 0;
      for (FileChunk c : chunks) {
        assertThat(c.start()).isEqualTo(at);
        assertThat(c.length()).isPositive();
        assertThat(c.end() == all.length || all[(int) c.end() - 1] == '\n').isTrue();
        at = c.end();
      }
      assertThat(at).isEqualTo(all.length);
    }
  }
}
