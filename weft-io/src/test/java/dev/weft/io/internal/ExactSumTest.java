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

  /** Mostly huge numbers, whose sums overflow along the way in most orders. */
  static double drawHuge(Random rnd) {
    double sign = rnd.nextBoolean() ? -1 : 1;
    return switch (rnd.nextInt(6)) {
      case 0 -> sign * Double.MAX_VALUE;
      case 1 -> sign * 1e308;
      case 2 -> sign * Math.scalb(1.0 + rnd.nextDouble(), 960 + rnd.nextInt(64));
      case 3 -> sign * Math.scalb(1.0 + rnd.nextDouble(), 900 + rnd.nextInt(60)); // just below
      case 4 -> sign * Math.ulp(Double.MAX_VALUE) * (1 + rnd.nextInt(4)) / 2; // half ulps
      default -> draw(rnd);
    };
  }

  static double sumInRandomParts(List<Double> values, Random rnd) {
    ExactSum total = new ExactSum();
    ExactSum part = new ExactSum();
    for (double v : values) {
      part.add(v);
      if (rnd.nextInt(4) == 0) {
        total.add(part);
        part = new ExactSum();
      }
    }
    total.add(part);
    return total.value();
  }

  @Test
  void hugeNumbersSumExactlyInEveryOrderAndSplit() {
    Random rnd = new Random(5);
    int overflowed = 0;
    for (int round = 0; round < 300; round++) {
      List<Double> values = new ArrayList<>();
      BigDecimal exact = BigDecimal.ZERO;
      for (int i = 1 + rnd.nextInt(12); i > 0; i--) {
        double v = drawHuge(rnd);
        values.add(v);
        exact = exact.add(new BigDecimal(v));
      }
      // BigDecimal.doubleValue() rounds correctly, to an infinity past the largest double.
      double expected = exact.doubleValue();
      if (Double.isInfinite(expected)) {
        overflowed++;
      }
      for (int trial = 0; trial < 4; trial++) {
        Collections.shuffle(values, rnd);
        assertThat(sumInRandomParts(values, rnd))
            .as("round %d %s", round, values)
            .isEqualTo(expected);
      }
    }
    assertThat(overflowed).as("sums that overflow").isGreaterThan(10);
  }

  @Test
  void anIntermediateOverflowDoesNotChangeTheSum() {
    double max = Double.MAX_VALUE;
    for (double[] order :
        new double[][] {
          {max, max, -max}, {max, -max, max}, {-max, max, max}, {1e308, 1e308, -1e308}
        }) {
      ExactSum s = new ExactSum();
      for (double v : order) {
        s.add(v);
      }
      assertThat(s.value()).isEqualTo(Math.max(order[0], Math.max(order[1], order[2])));
    }
  }

  @Test
  void aTrueSumPastTheLargestDoubleRoundsToAnInfinity() {
    double max = Double.MAX_VALUE;
    double halfUlp = Math.ulp(max) / 2; // 2^970: max + halfUlp is a tie, rounded to even: up
    assertThat(sum(max, max)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(sum(-max, -max, 1.0)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(sum(max, halfUlp)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(sum(max, halfUlp, -Double.MIN_VALUE)).isEqualTo(max);
    assertThat(sum(max, halfUlp / 2, halfUlp / 2, -halfUlp / 2)).isEqualTo(max);
    assertThat(sum(-max, -halfUlp)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(sum(max, max, Double.NEGATIVE_INFINITY)).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  static double sum(double... values) {
    ExactSum s = new ExactSum();
    for (double v : values) {
      s.add(v);
    }
    return s.value();
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

  @Test
  void fixedPointSumsRoundHalfToEvenAsBigDecimalDoes() {
    double big = Math.scalb(1.0, 52) - 1; // the largest whole number on the fixed-point path
    double tiny = Math.scalb(1.0, -53); // half an ulp of 1.0
    List<List<Double>> ties =
        List.of(
            List.of(big, big, 3.0), // 2^53 + 1: halfway, to the even 2^53
            List.of(big, big, 5.0), // 2^53 + 3: halfway, to the even 2^53 + 4
            List.of(-big, -big, -3.0),
            List.of(1.0, tiny), // 1 + 2^-53: to 1.0
            List.of(1.0, 3 * tiny), // 1 + 3 * 2^-53: to 1 + 2^-51
            List.of(-1.0, -3 * tiny),
            List.of(1.0, tiny, Math.scalb(1.0, -64))); // just above halfway: up
    Random rnd = new Random(23);
    List<List<Double>> cases = new ArrayList<>(ties);
    for (int round = 0; round < 300; round++) {
      List<Double> values = new ArrayList<>();
      for (int i = rnd.nextInt(200); i > 0; i--) {
        values.add(
            switch (rnd.nextInt(3)) {
              case 0 -> Math.round(rnd.nextGaussian() * 500) / 10.0;
              case 1 -> (rnd.nextBoolean() ? -1 : 1) * Math.scalb(rnd.nextDouble(), 51);
              default -> (rnd.nextBoolean() ? -1 : 1) * Math.scalb(1.0, rnd.nextInt(100) - 62);
            });
      }
      cases.add(values);
    }
    for (List<Double> values : cases) {
      BigDecimal exact = BigDecimal.ZERO;
      ExactSum sum = new ExactSum();
      for (double v : values) {
        exact = exact.add(new BigDecimal(v));
        sum.add(v);
      }
      assertThat(sum.value()).as(values.toString()).isEqualTo(exact.doubleValue());
    }
  }
}
