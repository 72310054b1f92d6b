package dev.weft.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Pool;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sums whose running total overflows along the way ({@code 1e308 + 1e308 - 1e308}) are still the
 * correctly rounded true sum, whatever the order of the lines and the chunk size, on statsBy's
 * direct path and on the general paths; a true sum past the largest double is an infinity, never
 * NaN.
 */
class HugeSumsTest {
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

  static final long[] CHUNKS = {1, 7, 20, 0};

  /** Every way weft-io sums a field: direct statsBy, general statsBy, stats by field and by fn. */
  static List<Double> sums(Path f, long chunk, String key) throws InterruptedException {
    Records r = Records.csv(f).fieldCount(2).chunkSize(chunk);
    List<Double> out = new ArrayList<>();
    out.add(r.statsBy(pool, 0, 1).value().get(key).sum());
    SortedMap<String, Stats> general = r.filter(row -> true).statsBy(pool, 0, 1).value();
    out.add(general.get(key).sum());
    Records onlyKey = r.filter(row -> row.string(0).equals(key));
    out.add(onlyKey.stats(pool, 1).value().sum());
    out.add(onlyKey.stats(pool, row -> row.parseDouble(1)).value().sum());
    return out;
  }

  @Test
  void theIssuesTriplesGiveTheTrueSumInEveryOrder() throws Exception {
    String[][] orders = {
      {"1e308", "1e308", "-1e308"}, {"1e308", "-1e308", "1e308"}, {"-1e308", "1e308", "1e308"}
    };
    for (String[] order : orders) {
      Path f = Files.writeString(dir.resolve("t.csv"), "k," + String.join("\nk,", order) + "\n");
      for (long chunk : CHUNKS) {
        assertThat(sums(f, chunk, "k"))
            .as("%s, chunk %d", List.of(order), chunk)
            .containsOnly(1e308);
      }
    }
  }

  @Test
  void randomOrdersOfHugeNumbersGiveTheCorrectlyRoundedSum() throws Exception {
    Random rnd = new Random(17);
    String max = Double.toString(Double.MAX_VALUE);
    String[] choices = {max, max, "-" + max, "1e308", "-1e308", "0.1", "-2.5", "1e300", "-1e-300"};
    int infinite = 0;
    for (int round = 0; round < 12; round++) {
      List<String> lines = new ArrayList<>();
      BigDecimal exact = BigDecimal.ZERO;
      for (int i = 2 + rnd.nextInt(8); i > 0; i--) {
        String v = choices[rnd.nextInt(choices.length)];
        lines.add("k," + v);
        exact = exact.add(new BigDecimal(Double.parseDouble(v)));
        if (rnd.nextBoolean()) {
          lines.add("other,1");
        }
      }
      double expected = exact.doubleValue();
      infinite += Double.isInfinite(expected) ? 1 : 0;
      for (int trial = 0; trial < 2; trial++) {
        Collections.shuffle(lines, rnd);
        Path f = Files.write(dir.resolve("r.csv"), lines);
        for (long chunk : CHUNKS) {
          assertThat(sums(f, chunk, "k")).as("%s, chunk %d", lines, chunk).containsOnly(expected);
        }
      }
    }
    assertThat(infinite).as("rounds whose true sum overflows").isPositive();
  }
}
