package dev.weft.io.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.io.Stats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A {@link StatsTable} row against {@link ExactSum} and {@link Math#min}/{@link Math#max}. */
class StatsTableTest {
  /** Adds each text to key "k" of the table, and returns the row's stats. */
  private static Stats row(StatsTable table, List<String> texts) {
    for (String text : texts) {
      byte[] line = ("k;" + text).getBytes(StandardCharsets.US_ASCII);
      table.add(line, 0, 1, 2, line.length);
    }
    return table.toMap().get("k").toStats();
  }

  /** What the stats must be: the doubles' exact sum, rounded once, and their extremes. */
  private static Stats reference(List<String> texts) {
    ExactSum sum = new ExactSum();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (String text : texts) {
      double v = Double.parseDouble(text);
      sum.add(v);
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return new Stats(texts.size(), sum.value(), min, max);
  }

  @Test
  void negativeZeroTenthsStayBelowZeroAsDoublesDo() {
    for (List<String> texts :
        List.of(
            List.of("-0.0"),
            List.of("0.0", "-0.0"),
            List.of("-0.0", "0.0"),
            List.of("-0.0", "+0.0", "-0.0"),
            List.of("-0.1", "-0.0"),
            List.of("-0.0", "0.1"),
            List.of("-0.0", "-0.00"),
            List.of("-0.0", "-5"))) {
      Stats got = row(new StatsTable(), texts);
      Stats want = reference(texts);
      // Compared as bits: -0.0 equals 0.0 as a double.
      assertThat(Double.doubleToRawLongBits(got.min()))
          .as("min of %s", texts)
          .isEqualTo(Double.doubleToRawLongBits(want.min()));
      assertThat(Double.doubleToRawLongBits(got.max()))
          .as("max of %s", texts)
          .isEqualTo(Double.doubleToRawLongBits(want.max()));
      assertThat(got).as(texts.toString()).isEqualTo(want);
    }
  }

  @Test
  void tenthsOnBothSidesOfTheShortcutsBoundMixWithOtherNumbers() {
    List<String> texts =
        List.of(
            "102.3",
            "-102.3",
            "102.4",
            "-102.4",
            "999.9",
            "0.1",
            "-0.1",
            "+7.5",
            "3",
            "2.25",
            "1e2",
            "-0.05",
            "1234567.1",
            "0.3",
            "0.3",
            "0.3");
    assertThat(row(new StatsTable(), texts)).isEqualTo(reference(texts));
  }

  @Test
  void tenthsSumExactlyWhetherFoldedOftenOrOnce() {
    Random rnd = new Random(17);
    for (int round = 0; round < 20; round++) {
      List<String> texts = new ArrayList<>();
      int n = 1 + rnd.nextInt(5_000);
      for (int i = 0; i < n; i++) {
        // Mostly tenths near the shortcut's bound, some other shapes in between.
        double v = (rnd.nextDouble() * 2 - 1) * 110;
        texts.add(
            rnd.nextInt(10) == 0
                ? String.format(Locale.ROOT, "%.2f", v)
                : String.format(Locale.ROOT, "%.1f", v));
      }
      Stats want = reference(texts);
      for (long foldAt : new long[] {1, 2, 64, 1L << 40}) {
        assertThat(row(new StatsTable(foldAt), texts)).as("fold every %d", foldAt).isEqualTo(want);
      }
    }
  }
}
