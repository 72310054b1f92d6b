package dev.weft.io.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.weft.io.MalformedRecordException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The byte parsers against the JDK's, on random strings near and inside the grammar. */
class NumbersTest {
  static final Pattern GRAMMAR =
      Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  static String draw(Random rnd) {
    String alphabet = rnd.nextInt(4) == 0 ? "0123456789.-+eE x\u00e4" : "0123456789.";
    int len = rnd.nextInt(rnd.nextBoolean() ? 10 : 25);
    StringBuilder sb = new StringBuilder();
    if (rnd.nextInt(3) == 0) {
      sb.append('-');
    }
    for (int i = 0; i < len; i++) {
      sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  @Test
  void parseDoubleAgreesWithTheJdkOnItsGrammarAndRejectsTheRest() {
    Random rnd = new Random(5);
    int accepted = 0;
    for (int n = 0; n < 500_000; n++) {
      String s = draw(rnd);
      byte[] padded =
          ("##" + s + (rnd.nextBoolean() ? "" : ";9.9\n")).getBytes(StandardCharsets.UTF_8);
      int from = 2;
      int to = 2 + s.getBytes(StandardCharsets.UTF_8).length;
      boolean valid = GRAMMAR.matcher(s).matches();
      try {
        double v = Numbers.parseDouble(padded, from, to);
        if (!valid) {
          fail("accepted '%s' as %s", s, v);
        }
        double expected = Double.parseDouble(s);
        if (Double.doubleToLongBits(v) != Double.doubleToLongBits(expected)) {
          fail("'%s': %s, expected %s", s, v, expected);
        }
        accepted++;
      } catch (MalformedRecordException e) {
        if (valid) {
          fail("rejected '%s': %s", s, e.getMessage());
        }
      }
    }
    assertThat(accepted).isGreaterThan(100_000);
  }

  @Test
  void shortDecimalsAtTheVeryEndOfTheArray() {
    for (String s :
        new String[] {"1", "-1.5", "99.9", "0.0", "-0.0", "12345678", "1234.567", ".5"}) {
      byte[] b = s.getBytes(StandardCharsets.US_ASCII);
      assertThat(Numbers.parseDouble(b, 0, b.length)).isEqualTo(Double.parseDouble(s));
    }
  }
}
