package dev.weft.io.internal;

import java.io.Serializable;
import java.util.Arrays;

/**
 * An exact sum of doubles, rounded once when read (Shewchuk's non-overlapping partials, as in
 * Python's {@code math.fsum}). Because the partials represent the exact sum, the rounded result is
 * the same in whatever order numbers are added or sums merged: that is what makes a parallel sum
 * independent of the chunking.
 *
 * <p>Implementation note: {@code partials[0..size)} are non-overlapping and increasing in
 * magnitude, and their exact sum is the exact sum of the finite inputs. Infinities and NaNs go to
 * {@code special}, whose IEEE sum is order-independent too. An intermediate overflow (finite inputs
 * summing past {@code Double.MAX_VALUE}) is reported as an infinite sum.
 */
public final class ExactSum implements Serializable {
  private static final long serialVersionUID = 1L;

  private double[] partials = new double[4];
  private int size;
  private double special;
  private boolean hasSpecial;

  /**
   * Adds a number.
   *
   * @param value the number
   */
  public void add(double value) {
    if (!Double.isFinite(value)) {
      special += value;
      hasSpecial = true;
      return;
    }
    if (value == 0.0) {
      return; // so that the sign of a zero sum does not depend on which zeros were seen
    }
    double x = value;
    int i = 0;
    for (int j = 0; j < size; j++) {
      double y = partials[j];
      if (Math.abs(x) < Math.abs(y)) {
        double t = x;
        x = y;
        y = t;
      }
      double hi = x + y;
      double lo = y - (hi - x);
      if (lo != 0.0) {
        partials[i++] = lo;
      }
      x = hi;
    }
    if (!Double.isFinite(x)) {
      special += x;
      hasSpecial = true;
      size = i;
      return;
    }
    if (i == partials.length) {
      partials = Arrays.copyOf(partials, i * 2);
    }
    partials[i++] = x;
    size = i;
  }

  /**
   * Adds everything another sum holds.
   *
   * @param other the other sum, unchanged
   */
  public void add(ExactSum other) {
    for (int j = 0; j < other.size; j++) {
      add(other.partials[j]);
    }
    if (other.hasSpecial) {
      special += other.special;
      hasSpecial = true;
    }
  }

  /**
   * The sum, correctly rounded (half to even).
   *
   * @return the sum
   */
  public double value() {
    if (hasSpecial) {
      return special;
    }
    int n = size;
    if (n == 0) {
      return 0.0;
    }
    double hi = partials[--n];
    double lo = 0.0;
    while (n > 0) {
      double x = hi;
      double y = partials[--n];
      hi = x + y;
      double yr = hi - x;
      lo = y - yr;
      if (lo != 0.0) {
        break;
      }
    }
    // Round half to even across the partials that the loop did not reach.
    if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
      double y = lo * 2;
      double x = hi + y;
      double yr = x - hi;
      if (y == yr) {
        hi = x;
      }
    }
    return hi;
  }
}
