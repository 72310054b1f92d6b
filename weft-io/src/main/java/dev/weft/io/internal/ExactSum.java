package dev.weft.io.internal;

import java.io.Serializable;
import java.util.Arrays;

/**
 * An exact sum of doubles, rounded once when read (Shewchuk's non-overlapping partials, as in
 * Python's {@code math.fsum}). Because the partials represent the exact sum, the rounded result is
 * the same in whatever order numbers are added or sums merged: that is what makes a parallel sum
 * independent of the chunking.
 *
 * <p>Implementation note: the exact sum of the finite inputs is {@code (w2:w1:w0) * 2^-64 +
 * (h2:h1:h0) * 2^908 + sum(partials[0..size))}. Most inputs take the fixed-point path {@code w} (a
 * few integer adds). Huge ones, at least 2^960 in magnitude, take a second fixed-point sum {@code
 * h} in units of 2^908 (their ulp is at least that): Shewchuk's partials would overflow on them, as
 * {@code 1e308 + 1e308 - 1e308} shows, and an overflowed partial loses the exact sum, so the result
 * would depend on the order of the inputs. The rest, tiny, subnormal or between 2^52 and 2^960,
 * take the partials, which are non-overlapping and increasing in magnitude; their inputs being
 * below 2^960, no partial can overflow before 2^60 of them were added. Infinities and NaNs go to
 * {@code special}, whose IEEE sum is order-independent too. A true sum past {@code
 * Double.MAX_VALUE} rounds to an infinity as IEEE rounding says, once, in {@link #value()}.
 */
public final class ExactSum implements Serializable {
  private static final long serialVersionUID = 1L;

  // The fast path: the exact sum of every input that is a multiple of 2^-64 below 2^52 in
  // magnitude (nearly all data from text: 0.1 is 0x1.999999999999ap-4), as a 192-bit two's
  // complement integer in units of 2^-64, high word w2. 2^63 such inputs cannot overflow it.
  private final long[] w = new long[3]; // w0, w1, w2

  // Huge inputs, [2^960, 2^1024) in magnitude, as w in units of 2^908: 2^116 units at most each,
  // so 2^63 of them cannot overflow it either.
  private final long[] h = new long[3];

  /** The biased exponent of 2^960, where the huge path starts; the largest finite one is 2046. */
  private static final int HUGE_EXP = 1983;

  /**
   * The scales of the parts as {@code BigDecimal}s, for sums that need more than the fixed-point
   * part. Not statics of this class: {@code BigDecimal}'s own class initialization squares numbers
   * of thousands of digits (about 25 ms, interpreted, and then C2 compiles of {@code BigInteger}),
   * which every {@code weft agg} paid before its first chunk, on the workers' path, when this class
   * first loaded (a class-load timeline and a profile of the start).
   */
  private static final class Scales {
    static final java.math.BigDecimal TWO_TO_MINUS_64 =
        new java.math.BigDecimal(Math.scalb(1.0, -64));
    static final java.math.BigDecimal TWO_TO_908 = new java.math.BigDecimal(Math.scalb(1.0, 908));
  }

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
    if (addFixed(value)) {
      return;
    }
    if (((Double.doubleToRawLongBits(value) >>> 52) & 0x7FF) >= HUGE_EXP) {
      addHuge(value);
      return;
    }
    addPartial(value);
  }

  /** Adds a finite number of at least 2^960 in magnitude to {@code h}, exactly. */
  private void addHuge(double value) {
    long bits = Double.doubleToRawLongBits(value);
    int shift = (int) ((bits >>> 52) & 0x7FF) - HUGE_EXP; // value = mant * 2^shift * 2^908
    long mant = (bits & ((1L << 52) - 1)) | (1L << 52);
    long lo = mant << shift;
    long hi = (mant >>> 1) >>> (63 - shift);
    if (bits < 0) {
      lo = -lo;
      hi = lo == 0 ? -hi : ~hi; // two's complement of (hi:lo): the carry only when lo was zero
      addWords(h, 0, lo, hi, -1L);
    } else {
      addWords(h, 0, lo, hi, 0L);
    }
  }

  private boolean addFixed(double value) {
    return addFixed(value, w, 0);
  }

  /**
   * Adds a number to a fixed-point sum kept in {@code a[at, at + 3)} (low word first), if it is on
   * the fixed-point path: finite, not subnormal, a multiple of 2^-64 below 2^52 in magnitude. So a
   * table can keep many sums in one array and hand the rare others to an {@code ExactSum}.
   *
   * @param value the number
   * @param a the words
   * @param at the low word's index
   * @return false, changing nothing, when the number is not on the fixed-point path
   */
  static boolean addFixed(double value, long[] a, int at) {
    long bits = Double.doubleToRawLongBits(value);
    int exp = (int) ((bits >>> 52) & 0x7FF);
    int shift = exp - 1075 + 64; // value = mant * 2^(shift - 64)
    if (exp == 0 || shift < 0 || shift > 63) {
      return false; // zero, subnormal, or outside the fast path's range
    }
    long mant = (bits & ((1L << 52) - 1)) | (1L << 52);
    // Without branches, since the sign of data is rarely predictable: the magnitude as a 128-bit
    // (hi:lo), negated in two's complement when the sign bit s is set, sign-extended into w2.
    long lo = mant << shift;
    long hi = (mant >>> 1) >>> (63 - shift);
    long s = bits >> 63;
    long loZero = ~(lo | -lo) >>> 63; // 1 when lo == 0: the negation carries into hi
    lo = (lo ^ s) - s;
    hi = (hi ^ s) + (-s & loZero);
    addWords(a, at, lo, hi, s);
    return true;
  }

  /**
   * Adds a 192-bit two's complement number, given as three words (low first), to the one kept in
   * {@code a[at, at + 3)}.
   */
  static void addWords(long[] a, int at, long lo, long hi, long top) {
    long w0 = a[at];
    long w1 = a[at + 1];
    long n0 = w0 + lo;
    long c0 = ((w0 & lo) | ((w0 | lo) & ~n0)) >>> 63;
    long n1 = w1 + hi;
    long c1 = ((w1 & hi) | ((w1 | hi) & ~n1)) >>> 63;
    long n1b = n1 + c0;
    long c2 = (n1 & ~n1b) >>> 63; // n1 + 1 wrapped only from all ones
    a[at] = n0;
    a[at + 1] = n1b;
    a[at + 2] += top + c1 + c2;
  }

  /**
   * Adds a fixed-point sum kept as {@link #addFixed(double, long[], int)} keeps it.
   *
   * @param a the words
   * @param at the low word's index
   */
  void addWords(long[] a, int at) {
    addWords(w, 0, a[at], a[at + 1], a[at + 2]);
  }

  private void addPartial(double value) {
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
      // Only past 2^60 inputs below 2^960 (see the note): the exact sum is lost, so say so.
      throw new ArithmeticException("exact sum overflowed its partials");
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
    addWords(other.w, 0);
    addWords(h, 0, other.h[0], other.h[1], other.h[2]);
    for (int j = 0; j < other.size; j++) {
      addPartial(other.partials[j]);
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
    boolean hasFixed = w[0] != 0 || w[1] != 0 || w[2] != 0;
    boolean hasHuge = h[0] != 0 || h[1] != 0 || h[2] != 0;
    if (hasFixed && !hasHuge && size == 0) {
      // The fixed-point part alone, the common case: BigInteger.doubleValue() rounds the integer
      // correctly (half to even), and the scaling is exact (at least 2^-64, at most 2^127).
      return Math.scalb(words(w).doubleValue(), -64);
    }
    if (hasFixed || hasHuge) {
      // BigDecimal.doubleValue() rounds correctly, to an infinity too when the sum overflows.
      java.math.BigDecimal exact =
          new java.math.BigDecimal(words(w)).multiply(Scales.TWO_TO_MINUS_64);
      if (hasHuge) {
        exact = exact.add(new java.math.BigDecimal(words(h)).multiply(Scales.TWO_TO_908));
      }
      for (int j = 0; j < size; j++) {
        exact = exact.add(new java.math.BigDecimal(partials[j]));
      }
      return exact.doubleValue();
    }
    return roundPartials();
  }

  /** The 192-bit two's complement number in {@code a}, low word first. */
  private static java.math.BigInteger words(long[] a) {
    byte[] bytes = new byte[3 * Long.BYTES]; // big-endian, as BigInteger reads it
    for (int k = 0; k < 3; k++) {
      long x = a[2 - k];
      for (int i = 0; i < Long.BYTES; i++) {
        bytes[k * Long.BYTES + i] = (byte) (x >>> (8 * (Long.BYTES - 1 - i)));
      }
    }
    return new java.math.BigInteger(bytes);
  }

  private double roundPartials() {
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
