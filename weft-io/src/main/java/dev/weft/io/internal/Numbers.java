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
