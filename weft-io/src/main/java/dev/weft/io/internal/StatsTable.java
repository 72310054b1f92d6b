package dev.weft.io.internal;

import dev.weft.io.MalformedRecordException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;

/**
 * Count, exact sum, min and max of numbers per key, keyed by byte strings: the group-by state of
 * {@code statsBy}, built for its hot loop. Not thread-safe: one per chunk.
 *
 * <p>Implementation note: every key's row lives in one stride of a {@code long[]} (key words,
 * length, count, the tenths' two sums and order keys, min, max and the three words of the
 * fixed-point sum, see {@link ExactSum#addFixed(double, long[], int)}), so a record touches one or
 * two adjacent cache lines and no object: a table of objects (key entry, accumulator, sum) cost
 * three dependent loads per record, and with a few hundred keys those missed the first-level cache.
 * Keys are found as in {@link KeyTable}: the first and last eight bytes as two words compared
 * without a loop, longer keys' middles compared with the bytes kept in {@code keys}; open
 * addressing, linear probing, load at most a quarter, the slot from the hash's top bits. A number
 * off the fixed-point path (zero aside: it adds nothing) goes to the row's own {@link ExactSum},
 * made when first needed. Numbers written as tenths, the commonest shape, take a shorter way still
 * ({@link #addTenths}); their sums and extremes join the others' when the table is read, with the
 * same bits as if each had been added as a double.
 */
final class StatsTable {
  private static final int STRIDE = 13;
  private static final int FIRST = 0;
  private static final int LAST = 1;
  private static final int LENGTH = 2; // length + 1; 0 marks an empty slot
  private static final int COUNT = 3;
  private static final int TENTHS = 4; // the sum of the tenths' signed units
  private static final int REMAINDERS = 5; // the sum of their remainders, see TENTHS_REMAINDERS
  private static final int LOW = 6; // the least tenths' order key, see addTenths
  private static final int HIGH = 7; // the greatest
  private static final int MIN = 8;
  private static final int MAX = 9;
  private static final int SUM = 10; // three words

  /**
   * A tenth's exact fixed-point words, less its units times {@link #TENTH_WORDS}, for units below
   * {@link SmallDecimals#UNITS}: {@code words(u / 10.0) = u * TENTH_WORDS + TENTHS_REMAINDERS[u]},
   * and the remainder is under 2^18 in magnitude (the double's rounding error, below 2^-47 for
   * these magnitudes, times 2^64, plus 0.6 a unit), so a row sums each part in one {@code long}.
   * Negative tenths are the negation of both parts: their doubles are.
   */
  private static final long TENTH_WORDS = Long.divideUnsigned(-1L, 10); // floor(2^64 / 10)

  private static final long[] TENTHS_REMAINDERS = new long[SmallDecimals.UNITS];

  static {
    long[] words = new long[3];
    for (int u = 1; u < TENTHS_REMAINDERS.length; u++) {
      words[0] = 0;
      words[1] = 0;
      words[2] = 0;
      ExactSum.addFixed(u / 10.0, words, 0);
      // The true remainder fits a long, so the low words' difference is it.
      TENTHS_REMAINDERS[u] = words[0] - u * TENTH_WORDS;
    }
  }

  /**
   * A row's tenths' sums are folded into its exact sum whenever its count is a multiple of this
   * mask plus one, a power of two: well before the two longs could overflow (after 2^45 tenths),
   * whatever the chunk size.
   */
  private final long foldMask;

  private long[] rows = new long[64 * STRIDE];
  private byte[][] keys = new byte[64][];
  private ExactSum[] slowSums = new ExactSum[64];
  private int shift = 32 - 6; // 32 - log2(capacity)
  private int size;

  StatsTable() {
    this(1L << 40);
  }

  /** A table that folds its tenths' sums every {@code foldAt} numbers a row, for tests. */
  StatsTable(long foldAt) {
    if (Long.bitCount(foldAt) != 1 || foldAt > 1L << 40) {
      throw new IllegalArgumentException("not a power of two up to 2^40: " + foldAt);
    }
    this.foldMask = foldAt - 1;
  }

  /**
   * Adds a number to a key's row, creating the row if needed.
   *
   * @param b the bytes holding the key
   * @param from the key's first byte
   * @param to just past its last byte
   * @param value the number
   */
  void add(byte[] b, int from, int to, double value) {
    add(slot(b, from, to), value);
  }

  /**
   * Adds the number written in {@code b[valueFrom, valueTo)} to a key's row, creating the row if
   * needed: the direct path of {@code statsBy}. A small decimal's double and sum words come from
   * {@link SmallDecimals}; other numbers are parsed as {@link Numbers#parseDouble} parses them.
   *
   * @param b the bytes
   * @param keyFrom the key's first byte
   * @param keyTo just past its last byte
   * @param valueFrom the number's first byte
   * @param valueTo just past its last byte
   * @throws MalformedRecordException if the field is not a number, or the key is new and not UTF-8,
   *     before the table changes
   */
  void add(byte[] b, int keyFrom, int keyTo, int valueFrom, int valueTo) {
    long code = Numbers.tenthsCode(b, valueFrom, valueTo);
    if (code >= 0 && code < (long) SmallDecimals.UNITS << 5) {
      addTenths(slot(b, keyFrom, keyTo), code);
      return;
    }
    if (code < 0) {
      code = Numbers.shortDecimalCode(b, valueFrom, valueTo);
    }
    int memo = code >= 0 ? SmallDecimals.index(code) : -1;
    if (memo < 0) {
      double value = code >= 0 ? Numbers.valueOf(code) : Numbers.parseDouble(b, valueFrom, valueTo);
      add(slot(b, keyFrom, keyTo), value);
      return;
    }
    long[] t = SmallDecimals.table();
    int at = slot(b, keyFrom, keyTo) * STRIDE;
    long[] r = rows; // after slot(), which may grow the table
    double value = Double.longBitsToDouble(t[memo]);
    r[at + COUNT]++;
    r[at + MIN] = Double.doubleToRawLongBits(Math.min(Double.longBitsToDouble(r[at + MIN]), value));
    r[at + MAX] = Double.doubleToRawLongBits(Math.max(Double.longBitsToDouble(r[at + MAX]), value));
    ExactSum.addWords(r, at + SUM, t[memo + 1], t[memo + 2], t[memo + 3]);
  }

  /**
   * Adds a tenth of under {@link SmallDecimals#UNITS} units, given by its {@link
   * Numbers#tenthsCode}: two long adds and two long compares where a double's words took a table
   * entry of four words, two double compares and a three-word add (docs/PERFORMANCE.md, section 6).
   * Min and max compare an order key, twice the signed units less one for {@code -0.0}, so that
   * {@code -0.0} stays below {@code 0.0} as {@link Math#min(double, double)} has it.
   */
  private void addTenths(int slot, long code) {
    long[] r = rows; // after slot(), which may grow the table
    int at = slot * STRIDE;
    long units = code >>> 5;
    long minus = (code >>> 4) & 1;
    long s = -minus;
    long u = (units ^ s) - s;
    long order = 2 * u - (minus & ((units - 1) >>> 63));
    r[at + TENTHS] += u;
    r[at + REMAINDERS] += (TENTHS_REMAINDERS[(int) units] ^ s) - s;
    r[at + LOW] = Math.min(r[at + LOW], order);
    r[at + HIGH] = Math.max(r[at + HIGH], order);
    if ((++r[at + COUNT] & foldMask) == 0) {
      foldTenths(r, at);
    }
  }

  /** Moves a row's tenths' sums into its exact sum, as the words they stand for. */
  private static void foldTenths(long[] r, int at) {
    long u = r[at + TENTHS];
    long rest = r[at + REMAINDERS];
    // u * TENTH_WORDS as a signed 128-bit number, sign-extended to three words.
    long hi = Math.multiplyHigh(u, TENTH_WORDS);
    ExactSum.addWords(r, at + SUM, u * TENTH_WORDS, hi, hi >> 63);
    ExactSum.addWords(r, at + SUM, rest, rest >> 63, rest >> 63);
    r[at + TENTHS] = 0;
    r[at + REMAINDERS] = 0;
  }

  /** The double of a tenths order key (see {@link #addTenths}). */
  private static double tenthsValue(long order) {
    return order == -1 ? -0.0 : ((order + 1) >> 1) / 10.0;
  }

  /** The slot of a key's row, made (and the table grown) if the key is new. */
  private int slot(byte[] b, int from, int to) {
    int len = to - from;
    long first = KeyTable.firstWord(b, from, to);
    long last = KeyTable.lastWord(b, from, to);
    int h = KeyTable.hash(first, last, len);
    long[] r = rows;
    int mask = keys.length - 1;
    int slot = h >>> shift;
    while (true) {
      int at = slot * STRIDE;
      long stored = r[at + LENGTH];
      if (stored == 0) {
        if ((size + 1) * 4 > keys.length) {
          grow(); // and look for the key's slot in the new table
          return slot(b, from, to);
        }
        claim(slot, b, from, to, first, last);
        return slot;
      }
      if (r[at + FIRST] == first
          && r[at + LAST] == last
          && stored == len + 1
          && (len <= 16 || Arrays.equals(keys[slot], 8, len - 8, b, from + 8, to - 8))) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  private void add(int slot, double value) {
    long[] r = rows;
    int at = slot * STRIDE;
    r[at + COUNT]++;
    r[at + MIN] = Double.doubleToRawLongBits(Math.min(Double.longBitsToDouble(r[at + MIN]), value));
    r[at + MAX] = Double.doubleToRawLongBits(Math.max(Double.longBitsToDouble(r[at + MAX]), value));
    if (value != 0.0 && !ExactSum.addFixed(value, r, at + SUM)) {
      if (slowSums[slot] == null) {
        slowSums[slot] = new ExactSum();
      }
      slowSums[slot].add(value);
    }
  }

  private void claim(int slot, byte[] b, int from, int to, long first, long last) {
    // The direct path leaves a key's UTF-8 to the table: checked once, when the key is new.
    if (Utf8.resume(b, from, to, Utf8.START) != Utf8.START) {
      throw new MalformedRecordException("invalid UTF-8");
    }
    int at = slot * STRIDE;
    rows[at + FIRST] = first;
    rows[at + LAST] = last;
    rows[at + LENGTH] = to - from + 1;
    rows[at + LOW] = Long.MAX_VALUE;
    rows[at + HIGH] = Long.MIN_VALUE;
    rows[at + MIN] = Double.doubleToRawLongBits(Double.POSITIVE_INFINITY);
    rows[at + MAX] = Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY);
    keys[slot] = Arrays.copyOfRange(b, from, to);
    size++;
  }

  private void grow() {
    long[] oldRows = rows;
    byte[][] oldKeys = keys;
    ExactSum[] oldSlow = slowSums;
    int capacity = oldKeys.length * 2;
    rows = new long[capacity * STRIDE];
    keys = new byte[capacity][];
    slowSums = new ExactSum[capacity];
    shift--;
    int mask = capacity - 1;
    for (int old = 0; old < oldKeys.length; old++) {
      int from = old * STRIDE;
      if (oldRows[from + LENGTH] == 0) {
        continue;
      }
      int len = (int) oldRows[from + LENGTH] - 1;
      int slot = KeyTable.hash(oldRows[from + FIRST], oldRows[from + LAST], len) >>> shift;
      while (rows[slot * STRIDE + LENGTH] != 0) {
        slot = (slot + 1) & mask;
      }
      System.arraycopy(oldRows, from, rows, slot * STRIDE, STRIDE);
      keys[slot] = oldKeys[old];
      slowSums[slot] = oldSlow[old];
    }
  }

  /**
   * The rows as accumulators by key.
   *
   * @return a new map
   */
  HashMap<String, StatsAccumulator> toMap() {
    HashMap<String, StatsAccumulator> map = HashMap.newHashMap(size);
    for (int slot = 0; slot < keys.length; slot++) {
      int at = slot * STRIDE;
      if (rows[at + LENGTH] == 0) {
        continue;
      }
      foldTenths(rows, at);
      ExactSum sum = slowSums[slot] != null ? slowSums[slot] : new ExactSum();
      sum.addWords(rows, at + SUM);
      double min = Double.longBitsToDouble(rows[at + MIN]);
      double max = Double.longBitsToDouble(rows[at + MAX]);
      if (rows[at + HIGH] != Long.MIN_VALUE) { // the row has tenths
        min = Math.min(min, tenthsValue(rows[at + LOW]));
        max = Math.max(max, tenthsValue(rows[at + HIGH]));
      }
      map.put(
          new String(keys[slot], StandardCharsets.UTF_8),
          new StatsAccumulator(rows[at + COUNT], sum, min, max));
    }
    return map;
  }
}
