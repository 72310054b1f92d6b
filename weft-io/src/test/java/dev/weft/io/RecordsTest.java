package dev.weft.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Pool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The format's edge cases and the error reports, each checked exactly. */
class RecordsTest {
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

  Path file(String name, String content) throws IOException {
    return Files.write(dir.resolve(name), content.getBytes(StandardCharsets.UTF_8));
  }

  Path file(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  static final Fold<List<List<String>>> ROWS =
      Fold.of(
          ArrayList::new,
          (acc, r) -> {
            List<String> fields = new ArrayList<>();
            for (int i = 0; i < r.fieldCount(); i++) {
              fields.add(r.string(i));
            }
            acc.add(fields);
            return acc;
          },
          (a, b) -> {
            a.addAll(b);
            return a;
          });

  List<List<String>> rows(Records records) throws InterruptedException {
    return records.fold(pool, ROWS).value();
  }

  @Test
  void progressGrowsInFileOrderToTheTotalOnTheCallingThread() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      sb.append("k").append(i % 7).append(';').append(i).append('\n');
    }
    Path a = file("a.csv", sb.toString());
    Path b = file("b.csv", sb.toString());
    long total = Files.size(a) + Files.size(b);
    List<long[]> seen = new ArrayList<>();
    Thread caller = Thread.currentThread();
    Records r =
        Records.csv(List.of(a, b))
            .delimiter(';')
            .chunkSize(500)
            .onProgress((done, all) -> {
              assertThat(Thread.currentThread()).isSameAs(caller);
              seen.add(new long[] {done, all});
            });
    assertThat(r.count(pool).value()).isEqualTo(2000);
    assertThat(seen).hasSizeGreaterThan(10);
    for (int i = 0; i < seen.size(); i++) {
      assertThat(seen.get(i)[1]).isEqualTo(total);
      if (i > 0) {
        assertThat(seen.get(i)[0]).isGreaterThan(seen.get(i - 1)[0]);
      }
    }
    assertThat(seen.getLast()[0]).isEqualTo(total);
    // A setting made after onProgress keeps the listener.
    seen.clear();
    r.header(false).count(pool);
    assertThat(seen.getLast()[0]).isEqualTo(total);
  }

  @Test
  void anEmptyFileHasNoRecords() throws Exception {
    Records r = Records.csv(file("e.csv", ""));
    assertThat(r.count(pool).value()).isZero();
    assertThat(r.statsBy(pool, 0, 1).value()).isEmpty();
    Stats s = r.stats(pool, 0).value();
    assertThat(s.count()).isZero();
    assertThat(s.mean()).isNaN();
    assertThat(r.chunks(2)).isEmpty();
  }

  @Test
  void bomCrlfAndAMissingFinalNewlineAreHandled() throws Exception {
    byte[] body = "a;1\r\nb;2\r\na;3".getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[body.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(body, 0, withBom, 3, body.length);
    for (long chunk : new long[] {0, 1, 4}) {
      Records r = Records.csv(file("b.csv", withBom)).delimiter(';').chunkSize(chunk);
      assertThat(rows(r)).containsExactly(List.of("a", "1"), List.of("b", "2"), List.of("a", "3"));
      Map<String, Stats> by = r.statsBy(pool, 0, 1).value();
      assertThat(by.get("a")).isEqualTo(new Stats(2, 4.0, 1.0, 3.0));
      assertThat(by.get("b").mean()).isEqualTo(2.0);
    }
  }

  @Test
  void quotedFieldsHoldDelimitersAndEscapedQuotes() throws Exception {
    Path f = file("q.csv", "name,note\n\"Smith, J\",\"said \"\"hi\"\"\"\n\"\",x\nplain,a\"b\n");
    assertThat(rows(Records.csv(f).header(true)))
        .containsExactly(
            List.of("Smith, J", "said \"hi\""), List.of("", "x"), List.of("plain", "a\"b"));
  }

  @Test
  void headersAreSkippedInEveryFileAndBlankLinesIgnored() throws Exception {
    file("1.csv", "k,v\nx,1\n\ny,2\n");
    file("2.csv", "k,v\r\nx,10\r\n");
    file("skip.txt", "not,csv,at,all\n");
    FoldResult<java.util.SortedMap<String, Long>> r =
        Records.csv(dir, "*.csv").header(true).countBy(pool, 0);
    assertThat(r.value()).containsExactly(Map.entry("x", 2L), Map.entry("y", 1L));
    assertThat(r.records()).isEqualTo(3);
  }

  @Test
  void linesModeKeepsBlankLinesAsRecords() throws Exception {
    Path f = file("l.txt", "one\n\nthree, with comma\n");
    assertThat(rows(Records.lines(f)))
        .containsExactly(List.of("one"), List.of(""), List.of("three, with comma"));
  }

  @Test
  void manySmallFilesInADirectory() throws Exception {
    for (int i = 0; i < 300; i++) {
      file(String.format("f%03d.csv", i), "k" + (i % 3) + "," + i + "\n");
    }
    FoldResult<Stats> s = Records.csv(dir).stats(pool, 1);
    assertThat(s.value()).isEqualTo(new Stats(300, 299 * 300 / 2.0, 0, 299));
    assertThat(Records.csv(dir).countBy(pool, 0).value())
        .containsExactly(Map.entry("k0", 100L), Map.entry("k1", 100L), Map.entry("k2", 100L));
  }

  @Test
  void wrongFieldCountNamesFileLineAndOffset() throws Exception {
    Path f = file("w.csv", "a,1\nb,2\nc,3,oops\nd,4\n");
    for (long chunk : new long[] {0, 1}) {
      assertThatThrownBy(() -> Records.csv(f).chunkSize(chunk).count(pool))
          .isInstanceOf(MalformedRecordException.class)
          .satisfies(e -> {
            BadRecord b = ((MalformedRecordException) e).badRecord();
            assertThat(b.file()).isEqualTo(f.toString());
            assertThat(b.line()).isEqualTo(3);
            assertThat(b.offset()).isEqualTo(8);
            assertThat(b.reason()).isEqualTo("expected 2 fields, found 3");
            assertThat(b.text()).isEqualTo("c,3,oops");
          })
          .hasMessageContaining(f + ":3 (byte 8)");
    }
  }

  @Test
  void badNumbersUnterminatedQuotesAndInvalidUtf8AreReported() throws Exception {
    assertBad("x,1.5\ny,abc\n", 2, 6, "not a number 'abc'");
    assertBad(
        "x,1\n\"y,2\n",
        2,
        4,
        "unterminated quote (newlines inside quoted fields are not supported)");
    assertBad("x,1\n\"y\"z,2\n", 2, 4, "unexpected 'z' after a closing quote");
    byte[] bad = {'x', ',', '1', '\n', 'y', (byte) 0xC3, (byte) 0x28, ',', '2', '\n'};
    Path f = file("u.csv", bad);
    assertThatThrownBy(() -> Records.csv(f).statsBy(pool, 0, 1))
        .isInstanceOfSatisfying(
            MalformedRecordException.class,
            e -> {
              assertThat(e.badRecord().line()).isEqualTo(2);
              assertThat(e.badRecord().offset()).isEqualTo(4);
              assertThat(e.reason()).isEqualTo("invalid UTF-8");
            });
  }

  @Test
  void invalidUtf8IsFoundWhereverItIsOnStatsBysDirectPath() throws Exception {
    // Plain lines take the direct path, which checks UTF-8 only in new keys and in fields that are
    // neither the key nor the number: each kind of bad line must still be caught and named.
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[][] lines = {
      "Zürich,1.5,note".getBytes(StandardCharsets.UTF_8), // line 2: a good key, seen first
      {'Z', (byte) 0xC3, 'r', 'i', 'c', 'h', ',', '2', ',', 'n'}, // 3: a new key, cut character
      "Zürich,2.5,note".getBytes(StandardCharsets.UTF_8), // 4: the known key again
      {'a', ',', '3', ',', 'n', (byte) 0xFF}, // 5: a bad byte in the third field
      {'a', ',', '4', (byte) 0x80, ',', 'n'}, // 6: a bad byte in the number
      {'a', ',', '5', ',', (byte) 0xE2, (byte) 0x82}, // 7: a character cut by the line's end
      "a,6,fine".getBytes(StandardCharsets.UTF_8) // 8
    };
    out.write("first,0,line\n".getBytes(StandardCharsets.UTF_8)); // line 1 takes the general path
    for (byte[] line : lines) {
      out.write(line);
      out.write('\n');
    }
    Path f = file("utf8-direct.csv", out.toByteArray());
    for (long chunk : new long[] {0, 1, 17}) {
      FoldResult<java.util.SortedMap<String, Stats>> r =
          Records.csv(f).fieldCount(-1).chunkSize(chunk).skipBad(10).statsBy(pool, 0, 1);
      assertThat(r.badRecords())
          .as("chunk %d", chunk)
          .extracting(BadRecord::line)
          .containsExactly(3L, 5L, 6L, 7L);
      assertThat(r.badRecords()).extracting(BadRecord::reason).containsOnly("invalid UTF-8");
      assertThat(r.value().get("Zürich").count()).isEqualTo(2);
      assertThat(r.value().get("a").count()).isEqualTo(1);
      assertThat(r.records()).isEqualTo(4);
    }
    assertThatThrownBy(() -> Records.csv(f).fieldCount(-1).statsBy(pool, 0, 1))
        .isInstanceOfSatisfying(
            MalformedRecordException.class, e -> assertThat(e.badRecord().line()).isEqualTo(3));
  }

  void assertBad(String content, long line, long offset, String reason) throws Exception {
    Path f = file("bad.csv", content);
    assertThatThrownBy(() -> Records.csv(f).statsBy(pool, 0, 1))
        .isInstanceOfSatisfying(
            MalformedRecordException.class,
            e -> {
              assertThat(e.badRecord().line()).isEqualTo(line);
              assertThat(e.badRecord().offset()).isEqualTo(offset);
              assertThat(e.reason()).isEqualTo(reason);
            });
  }

  @Test
  void skipBadCountsAndReportsTheFirstFewInFileOrder() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      sb.append(i % 10 == 3 ? "k,NaN?\n" : "k," + i + "\n");
    }
    Path f = file("s.csv", sb.toString());
    for (long chunk : new long[] {0, 1, 50}) {
      FoldResult<java.util.SortedMap<String, Stats>> r =
          Records.csv(f).chunkSize(chunk).skipBad(3).statsBy(pool, 0, 1);
      assertThat(r.skipped()).isEqualTo(10);
      assertThat(r.records()).isEqualTo(90);
      assertThat(r.value().get("k").count()).isEqualTo(90);
      assertThat(r.badRecords()).extracting(BadRecord::line).containsExactly(4L, 14L, 24L);
      assertThat(r.badRecords().getFirst().text()).isEqualTo("k,NaN?");
    }
  }

  @Test
  void filtersAndUserFoldsCompose() throws Exception {
    Path f = file("n.csv", "a,1\nb,2\na,3\nc,4\n");
    Records r = Records.csv(f).filter(x -> !x.fieldEquals(0, "b")).filter(x -> x.parseLong(1) > 1);
    assertThat(r.count(pool).value()).isEqualTo(2);
    assertThat(r.count(pool).records()).isEqualTo(4);
    Fold<StringBuilder> keys =
        Fold.of(StringBuilder::new, (sb, x) -> sb.append(x.key(0)), StringBuilder::append);
    assertThat(r.chunkSize(1).fold(pool, keys).value().toString()).isEqualTo("ac");
  }

  @Test
  void numbersParseFromBytes() throws Exception {
    Path f = file("num.csv", "9223372036854775807,-9223372036854775808,1e3,-.5,+2.\n");
    List<Object> got = new ArrayList<>();
    Records.csv(f)
        .fold(
            pool,
            Fold.of(
                () -> got,
                (acc, r) -> {
                  acc.add(r.parseLong(0));
                  acc.add(r.parseLong(1));
                  acc.add(r.parseDouble(2));
                  acc.add(r.parseDouble(3));
                  acc.add(r.parseDouble(4));
                  return acc;
                },
                (a, b) -> a));
    assertThat(got).containsExactly(Long.MAX_VALUE, Long.MIN_VALUE, 1000.0, -0.5, 2.0);
  }

  @Test
  void aMissingFileFailsWithAnIoError() {
    assertThatThrownBy(() -> Records.csv(dir.resolve("nope.csv")).count(pool))
        .isInstanceOf(java.io.UncheckedIOException.class);
  }
}
