package dev.weft.io.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The table of small decimals against the parser and the exact sum it stands in for. */
class SmallDecimalsTest {
  @Test
  void everyEntryIsTheParsedDoubleAndItsExactSumWords() {
    int checked = 0;
    for (int fraction = 0; fraction <= 2; fraction++) {
      for (String sign : new String[] {"", "-", "+"}) {
        for (int units = 0; units < SmallDecimals.UNITS; units++) {
          String digits = Integer.toString(units);
          while (digits.length() <= fraction) {
            digits = "0" + digits;
          }
          String text =
              fraction == 0
                  ? sign + digits
                  : sign
                      + digits.substring(0, digits.length() - fraction)
                      + "."
                      + digits.substring(digits.length() - fraction);
          byte[] b = text.getBytes(StandardCharsets.US_ASCII);
          long code = Numbers.shortDecimalCode(b, 0, b.length);
          int at = SmallDecimals.index(code);
          assertThat(at).as(text).isNotNegative();
          long[] t = SmallDecimals.table();
          double expected = Double.parseDouble(text);
          assertThat(t[at]).as(text).isEqualTo(Double.doubleToRawLongBits(expected));
          long[] words = new long[3];
          if (expected != 0.0) {
            ExactSum.addFixed(expected, words, 0);
          }
          assertThat(new long[] {t[at + 1], t[at + 2], t[at + 3]}).as(text).isEqualTo(words);
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(3 * 3 * SmallDecimals.UNITS);
  }

  @Test
  void numbersOutsideTheTableAreNotInIt() {
    for (String text : new String[] {"1024", "-102.4", "10.24", "0.001", "1.5e3"}) {
      byte[] b = text.getBytes(StandardCharsets.US_ASCII);
      long code = Numbers.shortDecimalCode(b, 0, b.length);
      assertThat(code < 0 || SmallDecimals.index(code) < 0).as(text).isTrue();
    }
  }

  @Test
  void aTableRowSumsExactlyLikeExactSum() {
    Random rnd = new Random(11);
    StatsTable table = new StatsTable();
    ExactSum reference = new ExactSum();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    byte[] key = "k".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 100_000; i++) {
      String text =
          String.format(
              java.util.Locale.ROOT, "%." + rnd.nextInt(4) + "f", rnd.nextGaussian() * 300);
      byte[] line =
          (new String(key, StandardCharsets.US_ASCII) + ";" + text)
              .getBytes(StandardCharsets.US_ASCII);
      table.add(line, 0, 1, 2, line.length);
      double v = Double.parseDouble(text);
      reference.add(v);
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    StatsAccumulator row = table.toMap().get("k");
    assertThat(row.toStats().count()).isEqualTo(100_000);
    assertThat(row.toStats().sum()).isEqualTo(reference.value());
    assertThat(row.toStats().min()).isEqualTo(min);
    assertThat(row.toStats().max()).isEqualTo(max);
  }

  @Test
  void theTenthsShortcutAgreesWithTheGeneralShortDecimal() {
    Random rnd = new Random(13);
    String alphabet = "0123456789.-+x \u00e9";
    java.util.regex.Pattern tenths = java.util.regex.Pattern.compile("[+-]?[0-9]{1,3}\\.[0-9]");
    int shortcut = 0;
    for (int i = 0; i < 300_000; i++) {
      StringBuilder sb = new StringBuilder();
      int len = rnd.nextInt(8);
      for (int k = 0; k < len; k++) {
        sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      if (rnd.nextInt(3) == 0) { // and plenty of the shape itself
        sb.setLength(0);
        sb.append(rnd.nextBoolean() ? "-" : "").append(rnd.nextInt(1000)).append('.');
        sb.append(rnd.nextInt(10));
      }
      String text = sb.toString();
      byte[] b = (text + "9;9.9\n").getBytes(StandardCharsets.UTF_8); // bytes after the number
      int to = text.getBytes(StandardCharsets.UTF_8).length;
      long code = Numbers.tenthsCode(b, 0, to);
      if (tenths.matcher(text).matches()) {
        assertThat(code).as(text).isEqualTo(Numbers.shortDecimalCode(b, 0, to));
        shortcut++;
      } else {
        assertThat(code).as(text).isEqualTo(-1);
      }
    }
    assertThat(shortcut).isGreaterThan(90_000);
  }
}
