package dev.weft.io.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The exact sum against BigDecimal, for any order of adds and any split into merged parts. */
class ExactSumTest {
  static double draw(Random rnd) {
    return switch (rnd.nextInt(7)) {
      case 0 -> Math.round(rnd.nextGaussian() * 500) / 10.0;
      case 1 -> (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(60) - 30);
      case 2 -> -Math.scalb(rnd.nextDouble(), 61);
      case 3 -> Double.MIN_VALUE * rnd.nextInt(1000);
      case 4 -> rnd.nextLong() / 1e3;
      // Powers of two, whose fixed-point low word is zero: the carry of a negation.
      case 5 -> (rnd.nextBoolean() ? -1 : 1) * Math.scalb(1.0, rnd.nextInt(130) - 70);
      default -> (rnd.nextBoolean() ? -1 : 1) * (double) (1L << rnd.nextInt(63));
    };
  }

  @Test
  void everyOrderAndSplitGivesTheCorrectlyRoundedSum() {
    Random rnd = new Random(11);
    for (int round = 0; round < 200; round++) {
      List<Double> values = new ArrayList<>();
      BigDecimal exact = BigDecimal.ZERO;
      for (int i = rnd.nextInt(300); i > 0; i--) {
        double v = draw(rnd);
        values.add(v);
        exact = exact.add(new BigDecimal(v));
      }
      double expected = exact.doubleValue();
      for (int trial = 0; trial < 3; trial++) {
        Collections.shuffle(values, rnd);
        ExactSum total = new ExactSum();
        ExactSum part = new ExactSum();
        for (double v : values) {
          part.add(v);
          if (rnd.nextInt(10) == 0) {
            total.add(part);
            part = new ExactSum();
          }
        }
        total.add(part);
        assertThat(total.value()).as("round %d", round).isEqualTo(expected);
      }
    }
  }

  @Test
  void specialValuesAndZeros() {
    ExactSum s = new ExactSum();
    s.add(-0.0);
    assertThat(s.value()).isEqualTo(0.0);
    s.add(1.5);
    s.add(Double.POSITIVE_INFINITY);
    assertThat(s.value()).isInfinite();
    s.add(Double.NEGATIVE_INFINITY);
    assertThat(s.value()).isNaN();
  }
}
