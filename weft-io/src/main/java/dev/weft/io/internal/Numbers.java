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
    long code = shortDecimalCode(b, from, to);
    return code >= 0 ? valueOf(code) : general(b, from, to);
  }

  /**
   * A short decimal, {@code [+-]?digits[.digits]} with at most eight bytes after the sign, as
   * {@code digits << 5 | minus << 4 | digitsAfterThePoint}; -1 for anything else, which {@link
   * #parseDouble} reads the long way.
   *
   * @param b the bytes
   * @param from the first byte
   * @param to just past the last byte
   * @return the code, or -1
   */
  static long shortDecimalCode(byte[] b, int from, int to) {
    if (to - from >= 1 && to - from <= 9) {
      // The sign without a branch: it is as unpredictable as the data.
      int first = b[from] & 0xFF;
      int minus = ((first ^ '-') - 1) >>> 31;
      int signed = minus | (((first ^ '+') - 1) >>> 31);
      int n = to - from - signed;
      if (n >= 1 && n <= 8) {
        long d = shortDecimal(Bytes.word(b, from + signed), n);
        if (d >= 0) {
          return (d >>> 4) << 5 | (long) minus << 4 | (d & 15);
        }
      }
    }
    return -1;
  }

  /** Per length after the sign (3 to 5): the bytes that must be digits once the point is byte 3. */
  private static final long[] TENTHS_DIGITS = {
    0, 0, 0, 0xFF00FF0000L, 0xFF00FFFF00L, 0xFF00FFFFFFL
  };

  /**
   * The {@link #shortDecimalCode} of {@code [+-]?d{1,3}.d}, the commonest shape of measured values
   * (temperatures, say), or -1 for any other text, which {@link #shortDecimalCode} still reads: a
   * shorter way for that one shape, the point moved to a fixed byte and the digits checked and
   * combined there, without the general path's search for the point.
   *
   * @param b the bytes
   * @param from the first byte
   * @param to just past the last byte
   * @return the code, or -1
   */
  static long tenthsCode(byte[] b, int from, int to) {
    if (to - from < 3 || to - from > 6) {
      return -1;
    }
    int first = b[from] & 0xFF;
    int minus = ((first ^ '-') - 1) >>> 31;
    int signed = minus | (((first ^ '+') - 1) >>> 31);
    int n = to - from - signed;
    if (n < 3 || n > 5) {
      return -1;
    }
    // The point to byte 3, the integer digits to bytes 0-2 (zeros shifted in before them), the
    // tenths to byte 4; bytes past the number are dropped.
    long x = (Bytes.word(b, from + signed) << (8 * (5 - n))) & 0xFF_FFFF_FFFFL;
    long digits = TENTHS_DIGITS[n];
    long d = x & digits;
    long h = HIGH & digits;
    if (((x >>> 24) & 0xFF) != '.'
        || (d & h) != 0
        || ((d + (ONES * 0x50 & digits)) & h) != h
        || ((d + (ONES * 0x46 & digits)) & h) != 0) {
      return -1;
    }
    long units =
        (x & 0xF) * 1000 + ((x >>> 8) & 0xF) * 100 + ((x >>> 16) & 0xF) * 10 + ((x >>> 32) & 0xF);
    return units << 5 | (long) minus << 4 | 1;
  }

  /**
   * The value of a {@link #shortDecimalCode}, correctly rounded: both operands of the one division
   * are exact doubles.
   *
   * @param code the code
   * @return the value
   */
  static double valueOf(long code) {
    double v = (code >>> 5) / POW10[(int) code & 15];
    return Double.longBitsToDouble(Double.doubleToRawLongBits(v) | (code & 16) << 59);
  }

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH = 0x8080808080808080L;

  /**
   * The {@code 1 <= n <= 8} low bytes of {@code w}, if they read {@code digits[.digits]} (at least
   * one digit), as {@code digits << 4 | digitsAfterThePoint}, or -1 for anything else. No branch
   * depends on the digits or on where the point is: the point is found with a zero-byte test and
   * squeezed out, the digits checked by two additions and combined by three multiply-adds (two,
   * then four, then eight digits at a time), so that numbers whose shape varies from row to row
   * cost no mispredicted branches.
   */
  private static long shortDecimal(long w, int n) {
    long keep = -1L >>> (64 - 8 * n);
    w &= keep;
    long x = w ^ (ONES * '.');
    long dots = (x - ONES) & ~x & HIGH & keep; // the lowest is exact
    int p = Long.numberOfTrailingZeros(dots) >>> 3; // 8 when there is none
    long before = ((1L << (8 * p)) - 1) | -(p >>> 3); // bytes below the point (all when none)
    long digits = (w & before) | ((w >>> 8) & ~before);
    int point = dots == 0 ? 0 : 1;
    int k = n - point; // digits
    long mask = -1L >>> (64 - 8 * k); // k == 0 gives all ones: caught below, as no digit is 0
    long h = HIGH & mask;
    // Each byte in '0'..'9': + 0x50 carries into the high bit from '0' on, + 0x46 from ':' on;
    // bytes of 0x80 and up fail the first test (a second point fails as not a digit).
    if (k == 0
        || (digits & h) != 0
        || (((digits & mask) + (ONES * 0x50 & mask)) & h) != h
        || (((digits & mask) + (ONES * 0x46 & mask)) & h) != 0) {
      return -1;
    }
    long v = (digits - (ONES * '0' & mask)) << (8 * (8 - k)); // most significant digit lowest
    v = (v * 10 + (v >>> 8)) & 0x00FF00FF00FF00FFL;
    v = (v * 100 + (v >>> 16)) & 0x0000FFFF0000FFFFL;
    v = (v * 10000 + (v >>> 32)) & 0xFFFFFFFFL;
    int fraction = (n - 1 - p) & -point; // digits after the point; 0 when there is none
    return v << 4 | fraction;
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
