package dev.weft.io.internal;

import dev.weft.io.MalformedRecordException;
import java.nio.charset.StandardCharsets;

/** Number parsing straight from bytes, without a String on the common path. */
public final class Numbers {
  private Numbers() {}

  private static final double[] POW10 = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
  }

  /**
   * Parses {@code [+-]?digits}.
   *
   * @param b the bytes
   * @param from the first byte
   * @param to just past the last byte
   * @return the value
   */
  public static long parseLong(byte[] b, int from, int to) {
    int i = from;
    boolean neg = false;
    if (i < to && (b[i] == '-' || b[i] == '+')) {
      neg = b[i] == '-';
      i++;
    }
    if (i == to) {
      throw bad("not a whole number", b, from, to);
    }
    long v = 0; // accumulated negatively so that Long.MIN_VALUE fits
    for (; i < to; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw bad("not a whole number", b, from, to);
      }
      if (v < Long.MIN_VALUE / 10 || v * 10 < Long.MIN_VALUE + d) {
        throw bad("whole number out of range", b, from, to);
      }
      v = v * 10 - d;
    }
    if (!neg && v == Long.MIN_VALUE) {
      throw bad("whole number out of range", b, from, to);
    }
    return neg ? v : -v;
  }

  /**
   * Parses {@code [+-]?(digits[.digits*] | .digits)([eE][+-]?digits)?}, correctly rounded.
   *
   * @param b the bytes
   * @param from the first byte
   * @param to just past the last byte
   * @return the value
   */
  public static double parseDouble(byte[] b, int from, int to) {
    int i = from;
    if (i < to && (b[i] == '-' || b[i] == '+')) {
      i++;
    }
    int n = to - i;
    if (n >= 1 && n <= 8) {
      double v = shortDecimal(b, i, n);
      if (v >= 0) {
        return b[from] == '-' ? -v : v;
      }
    }
    return general(b, from, to);
  }

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH = 0x8080808080808080L;

  /**
   * The value of {@code n <= 8} bytes of the form {@code digits[.digits]} (at least one digit), or
   * -1 for anything else. Word at a time, without a branch that depends on where the point is: the
   * point is found with a zero-byte test, squeezed out, the digits checked by two subtractions and
   * combined by three multiply-adds (two, then four, then eight digits at a time).
   */
  private static double shortDecimal(byte[] b, int i, int n) {
    long keep = Bytes.low(n);
    long w = Bytes.word(b, i) & keep;
    long x = w ^ (ONES * '.');
    long dots = ~(((x & ~HIGH) + ~HIGH) | x | ~HIGH) & keep; // the high bit of each '.' byte
    int p = Long.numberOfTrailingZeros(dots) >>> 3; // 8 when there is none
    long before = Bytes.low(Math.min(p, 8));
    long digits = dots == 0 ? w : (w & before) | ((w >>> 8) & ~before);
    int k = dots == 0 ? n : n - 1;
    if (k == 0) {
      return -1;
    }
    long mask = Bytes.low(k);
    long h = HIGH & mask;
    if ((digits & h) != 0
        || (((digits | h) - (ONES * '0' & mask)) & h) != h
        || (((digits | h) - (ONES * ('9' + 1) & mask)) & h) != 0) {
      return -1; // a byte that is not a digit, or a second point
    }
    long v = (digits - (ONES * '0' & mask)) << (8 * (8 - k)); // most significant digit lowest
    v = (v * 10 + (v >>> 8)) & 0x00FF00FF00FF00FFL;
    v = (v * 100 + (v >>> 16)) & 0x0000FFFF0000FFFFL;
    v = (v * 10000 + (v >>> 32)) & 0xFFFFFFFFL;
    int fraction = dots == 0 ? 0 : n - 1 - p;
    // Both operands are exact doubles, so one correctly rounded division is the exact answer.
    return v / POW10[fraction];
  }

  private static double general(byte[] b, int from, int to) {
    int i = from;
    boolean neg = false;
    if (i < to && (b[i] == '-' || b[i] == '+')) {
      neg = b[i] == '-';
      i++;
    }
    long mantissa = 0;
    int digits = 0;
    int intDigits = 0;
    while (i < to && b[i] >= '0' && b[i] <= '9') {
      if (digits < 18) {
        mantissa = mantissa * 10 + (b[i] - '0');
      }
      digits++;
      intDigits++;
      i++;
    }
    int fracDigits = 0;
    if (i < to && b[i] == '.') {
      i++;
      while (i < to && b[i] >= '0' && b[i] <= '9') {
        if (digits < 18) {
          mantissa = mantissa * 10 + (b[i] - '0');
        }
        digits++;
        fracDigits++;
        i++;
      }
    }
    if (intDigits + fracDigits == 0) {
      throw bad("not a number", b, from, to);
    }
    boolean exponent = false;
    if (i < to && (b[i] == 'e' || b[i] == 'E')) {
      exponent = true;
      i++;
      if (i < to && (b[i] == '-' || b[i] == '+')) {
        i++;
      }
      int expDigits = 0;
      while (i < to && b[i] >= '0' && b[i] <= '9') {
        i++;
        expDigits++;
      }
      if (expDigits == 0) {
        throw bad("not a number", b, from, to);
      }
    }
    if (i != to) {
      throw bad("not a number", b, from, to);
    }
    if (!exponent && digits <= 15 && fracDigits < POW10.length) {
      // Both operands are exact doubles, so one correctly rounded division is the exact answer.
      double v = mantissa / POW10[fracDigits];
      return neg ? -v : v;
    }
    return Double.parseDouble(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
  }

  private static MalformedRecordException bad(String what, byte[] b, int from, int to) {
    String text = new String(b, from, Math.min(to - from, 40), StandardCharsets.UTF_8);
    return new MalformedRecordException(what + " '" + text + "'");
  }
}
