package dev.weft.io.internal;

/**
 * The exact doubles, and their fixed-point words (see {@link ExactSum#addFixed(double, long[],
 * int)}), of the decimals much data is made of: magnitudes under {@value #UNITS} units with at most
 * two digits after the point (temperatures, prices, percentages), computed once. Adding one of them
 * to a {@link StatsTable} row then costs a few loads instead of a division and a conversion, and
 * gives the same bits: a single-thread scan of 8.4 million rows went from 46 to 41 ns a row.
 */
final class SmallDecimals {
  private SmallDecimals() {}

  /** Magnitudes below this many units (of the last digit) are in the table. */
  static final int UNITS = 1024;

  private static final int FRACTION_DIGITS = 3; // 0, 1 or 2 after the point

  /** Per entry: the double's bits, then the three fixed-point words. */
  private static final long[] TABLE = new long[FRACTION_DIGITS * 2 * UNITS * 4];

  static {
    long[] words = new long[3];
    for (int fraction = 0; fraction < FRACTION_DIGITS; fraction++) {
      for (int minus = 0; minus < 2; minus++) {
        for (int units = 0; units < UNITS; units++) {
          long code = (long) units << 5 | (long) minus << 4 | fraction;
          double v = Numbers.valueOf(code);
          words[0] = 0;
          words[1] = 0;
          words[2] = 0;
          if (v != 0.0 && !ExactSum.addFixed(v, words, 0)) {
            throw new AssertionError("not on the fixed-point path: " + v);
          }
          int at = index(code);
          TABLE[at] = Double.doubleToRawLongBits(v);
          TABLE[at + 1] = words[0];
          TABLE[at + 2] = words[1];
          TABLE[at + 3] = words[2];
        }
      }
    }
  }

  /**
   * Where a {@link Numbers#shortDecimalCode} is in the table.
   *
   * @param code a code, not -1
   * @return the entry's index, or -1 when the number is not in the table
   */
  static int index(long code) {
    long units = code >>> 5;
    int fraction = (int) code & 15;
    if (units >= UNITS || fraction >= FRACTION_DIGITS) {
      return -1;
    }
    return (int) (((fraction * 2 + ((code >>> 4) & 1)) * UNITS + units) * 4);
  }

  /** The table, read by {@link StatsTable}: at an index, the bits of the double, then its words. */
  static long[] table() {
    return TABLE;
  }
}
