package dev.weft.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Pool;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz: random byte soup from an alphabet that hits every parser state (quotes, delimiters, CR, LF,
 * multi-byte and invalid UTF-8, BOMs) parsed by weft and by the String-based reference; the records
 * and the skipped lines must agree exactly, whatever the chunk size. Also the number parser against
 * {@code Double.parseDouble} and the exact sum against {@code BigDecimal}; and {@code statsBy},
 * whose plain records take a direct path from bytes to its table, against the reference's statsBy,
 * with odd numbers, quoted and empty fields, CRLF and invalid UTF-8, at random chunk sizes.
 */
class CsvFuzzTest {
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

  static final byte[][] ALPHABET = {
    {'a'},
    {'b'},
    {','},
    {'"'},
    {'"', '"'},
    {'\n'},
    {'\r', '\n'},
    {'\r'},
    {'1'},
    {'.'},
    {' '},
    {(byte) 0xC3, (byte) 0xA9},
    {(byte) 0xE2, (byte) 0x82, (byte) 0xAC},
    {(byte) 0xFF},
    {(byte) 0xC3},
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
    {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}
  };

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

  @Test
  void theParserAgreesWithTheReference() throws Exception {
    Random rnd = new Random(42);
    int goodSeen = 0;
    int badSeen = 0;
    for (int round = 0; round < 150; round++) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      int n = rnd.nextInt(120);
      for (int i = 0; i < n; i++) {
        out.write(ALPHABET[rnd.nextInt(ALPHABET.length)]);
      }
      Path f = Files.write(dir.resolve("fuzz" + round + ".csv"), out.toByteArray());
      boolean header = rnd.nextInt(4) == 0;
      int fieldCount = rnd.nextBoolean() ? -1 : 0;
      List<Reference.Row> ref = Reference.parse(List.of(f), true, ',', header, fieldCount);
      List<List<String>> expectedRows = new ArrayList<>();
      List<Long> expectedBad = new ArrayList<>();
      for (Reference.Row r : ref) {
        if (r.good()) {
          expectedRows.add(r.fields());
        } else {
          expectedBad.add(r.offset());
        }
      }
      goodSeen += expectedRows.size();
      badSeen += expectedBad.size();
      for (long chunk : new long[] {1, 3, 0}) {
        FoldResult<List<List<String>>> got =
            Records.csv(f)
                .header(header)
                .fieldCount(fieldCount)
                .chunkSize(chunk)
                .skipBad(10_000)
                .fold(pool, ROWS);
        assertThat(got.value()).as("round %d chunk %d", round, chunk).isEqualTo(expectedRows);
        assertThat(got.badRecords())
            .as("round %d chunk %d", round, chunk)
            .extracting(BadRecord::offset)
            .isEqualTo(expectedBad);
      }
    }
    assertThat(goodSeen).as("good records seen").isGreaterThan(100);
    assertThat(badSeen).as("bad records seen").isGreaterThan(100);
  }

  static final String[] KEYS = {
    "a",
    "b",
    "",
    "\"a\"",
    "\"x,y\"",
    "\"q\"\"q\"",
    "\"",
    "a\"b",
    "é",
    "Zürich-Zürich-Zürich",
    "Llanfairpwllgwyngyll",
    "LlanfairPWLLgwyngyll",
    " a",
    "a "
  };

  static final String[] NUMBERS = {
    "1",
    "-1",
    "+1",
    "0",
    "-0",
    "-0.0",
    "0.1",
    "-12.3",
    "99.9",
    "1.",
    ".5",
    "-.25",
    "00.10",
    "1e3",
    "1E-3",
    "1e400",
    "-1e400",
    "1e-400",
    "4.9e-324",
    "1.7976931348623157e308",
    "1e308",
    "-1e308",
    "12345678901234567890.5",
    "0.30000000000000004",
    "1e",
    "--1",
    ".",
    "1.2.3",
    "0x10",
    "NaN",
    "Infinity",
    " 1",
    "1 ",
    "1f",
    "",
    "\"1.5\"",
    "\"-2\"",
    "1,5"
  };

  /** A decimal such as 7.5, -12.34 or 98765.432: the shapes the direct path reads by shortcuts. */
  static String decimal(Random rnd) {
    String fraction = Integer.toString(rnd.nextInt(1000));
    return (rnd.nextBoolean() ? "-" : "")
        + rnd.nextInt(rnd.nextBoolean() ? 10 : 100_000)
        + "."
        + fraction.substring(0, 1 + rnd.nextInt(fraction.length()));
  }

  /** A line for statsBy(0, 1): mostly plain, sometimes quoted, CRLF, odd or broken bytes. */
  static void line(java.io.ByteArrayOutputStream out, Random rnd) {
    switch (rnd.nextInt(12)) {
      case 0 -> out.writeBytes(ALPHABET[rnd.nextInt(ALPHABET.length)]);
      case 1 -> out.writeBytes(new byte[] {'k', (byte) 0xC3, ',', '1'}); // bad UTF-8 in a key
      case 2 -> out.writeBytes(new byte[] {'k', ',', '1', (byte) 0xFF}); // ... and after a number
      case 3 -> out.writeBytes(("k," + NUMBERS[rnd.nextInt(NUMBERS.length)] + ",x").getBytes());
      case 4 ->
          out.writeBytes(
              new byte[] {
                'L',
                'l',
                'a',
                'n',
                'f',
                'a',
                'i',
                'r',
                (byte) 0xE2,
                'p',
                'w',
                'l',
                'l',
                'g',
                'w',
                'y',
                'n',
                'g',
                'y',
                'l',
                'l',
                ',',
                '2'
              });
      default -> {
        // Sometimes many keys, so the direct path's table grows; sometimes every decimal shape.
        String key = rnd.nextInt(3) == 0 ? "key" + rnd.nextInt(70) : KEYS[rnd.nextInt(KEYS.length)];
        String value = rnd.nextInt(3) == 0 ? decimal(rnd) : NUMBERS[rnd.nextInt(NUMBERS.length)];
        out.writeBytes((key + "," + value).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    out.writeBytes(rnd.nextInt(5) == 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
  }

  @Test
  void statsByOnItsDirectPathAgreesWithTheReference() throws Exception {
    Random rnd = new Random(99);
    int keysSeen = 0;
    int badSeen = 0;
    for (int round = 0; round < 120; round++) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      if (rnd.nextInt(8) == 0) {
        out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
      }
      for (int i = rnd.nextInt(80); i > 0; i--) {
        line(out, rnd);
      }
      if (rnd.nextBoolean() && out.size() > 0) {
        out.writeBytes("k,7".getBytes()); // a last line without its end
      }
      Path f = Files.write(dir.resolve("direct" + round + ".csv"), out.toByteArray());
      List<Reference.Row> ref = Reference.parse(List.of(f), true, ',', false, 2);
      List<Long> expectedBad = new ArrayList<>();
      for (Reference.Row r : ref) {
        if (!r.good() || Reference.number(r.fields().get(1)) == null) {
          expectedBad.add(r.offset());
        }
      }
      var expected = Reference.statsBy(ref, 0, 1);
      keysSeen += expected.size();
      badSeen += expectedBad.size();
      for (long chunk : new long[] {1 + rnd.nextInt(8), 1 + rnd.nextInt(200), 0}) {
        FoldResult<java.util.SortedMap<String, Stats>> got =
            Records.csv(f).fieldCount(2).chunkSize(chunk).skipBad(10_000).statsBy(pool, 0, 1);
        assertThat(got.value()).as("round %d chunk %d", round, chunk).isEqualTo(expected);
        assertThat(got.badRecords())
            .as("round %d chunk %d", round, chunk)
            .extracting(BadRecord::offset)
            .isEqualTo(expectedBad);
        assertThat(got.skipped()).isEqualTo(expectedBad.size());
      }
    }
    assertThat(keysSeen).as("keys seen").isGreaterThan(300);
    assertThat(badSeen).as("bad records seen").isGreaterThan(300);
  }

  @Test
  void numbersParseLikeDoubleParseDouble() throws Exception {
    Random rnd = new Random(7);
    StringBuilder sb = new StringBuilder();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      String s =
          switch (rnd.nextInt(6)) {
            case 0 -> Double.toString(rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20));
            case 1 -> Long.toString(rnd.nextLong());
            case 2 -> rnd.nextInt(1000) + "." + rnd.nextInt(1000);
            case 3 -> "-" + rnd.nextInt(100) + "." + "0123456789".substring(rnd.nextInt(10));
            case 4 -> "12345678901234567890." + rnd.nextInt(99);
            default ->
                new String[] {"1e", "--1", ".", "1.2.3", "0x10", "NaN", " 1", "1f"}[rnd.nextInt(8)];
          };
      texts.add(s);
      sb.append(s).append('\n');
    }
    Path f = Files.writeString(dir.resolve("nums.txt"), sb);
    Fold<List<Object>> parsed =
        Fold.of(
            ArrayList::new,
            (acc, r) -> {
              try {
                acc.add(r.parseDouble(0));
              } catch (MalformedRecordException e) {
                acc.add("bad");
              }
              return acc;
            },
            (a, b) -> {
              a.addAll(b);
              return a;
            });
    List<Object> got = Records.lines(f).fold(pool, parsed).value();
    List<Object> expected = new ArrayList<>();
    for (String s : texts) {
      Double d = Reference.number(s);
      expected.add(d == null ? "bad" : d);
    }
    assertThat(got).isEqualTo(expected);
  }

  @Test
  void statsSumIsExactWhateverTheOrder() throws Exception {
    Random rnd = new Random(3);
    StringBuilder sb = new StringBuilder();
    BigDecimal exact = BigDecimal.ZERO;
    for (int i = 0; i < 3000; i++) {
      double v = (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(30) - 10);
      sb.append(v).append('\n');
      exact = exact.add(new BigDecimal(v));
    }
    Path f = Files.writeString(dir.resolve("sum.txt"), sb);
    for (long chunk : new long[] {1, 100, 0}) {
      Stats s = Records.lines(f).chunkSize(chunk).stats(pool, 0).value();
      assertThat(s.sum()).isEqualTo(exact.doubleValue());
    }
  }
}
