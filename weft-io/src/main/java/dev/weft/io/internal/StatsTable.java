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
 * length, count, min, max and the three words of the fixed-point sum, see {@link
 * ExactSum#addFixed(double, long[], int)}), so a record touches one or two adjacent cache lines and
 * no object: a table of objects (key entry, accumulator, sum) cost three dependent loads per
 * record, and with a few hundred keys those missed the first-level cache. Keys are found as in
 * {@link KeyTable}: the first and last eight bytes as two words compared without a loop, longer
 * keys' middles compared with the bytes kept in {@code keys}; open addressing, linear probing, load
 * at most a quarter, the slot from the hash's top bits. A number off the fixed-point path (zero
 * aside: it adds nothing) goes to the row's own {@link ExactSum}, made when first needed.
 */
final class StatsTable {
  private static final int STRIDE = 9;
  private static final int FIRST = 0;
  private static final int LAST = 1;
  private static final int LENGTH = 2; // length + 1; 0 marks an empty slot
  private static final int COUNT = 3;
  private static final int MIN = 4;
  private static final int MAX = 5;
  private static final int SUM = 6; // three words

  private long[] rows = new long[64 * STRIDE];
  private byte[][] keys = new byte[64][];
  private ExactSum[] slowSums = new ExactSum[64];
  private int shift = 32 - 6; // 32 - log2(capacity)
  private int size;

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
      ExactSum sum = slowSums[slot] != null ? slowSums[slot] : new ExactSum();
      sum.addWords(rows, at + SUM);
      map.put(
          new String(keys[slot], StandardCharsets.UTF_8),
          new StatsAccumulator(
              rows[at + COUNT],
              sum,
              Double.longBitsToDouble(rows[at + MIN]),
              Double.longBitsToDouble(rows[at + MAX])));
    }
    return map;
  }
}
