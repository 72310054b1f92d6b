package dev.weft.io.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * A hash table keyed by byte strings, so that a group-by looks keys up without making a String per
 * record: the key's String is made once per distinct key per chunk. Open addressing, linear
 * probing, power-of-two capacity, load at most one quarter (a second probe is a mispredicted
 * branch). Not thread-safe: one per chunk.
 *
 * <p>Implementation note: a lookup costs the same for every key of up to 16 bytes, with no loop
 * over the bytes: the key's first and last eight bytes are read as two little-endian words (they
 * overlap for keys under 16 bytes; a key under 8 bytes is one masked word), the hash mixes the two
 * words and the length, and an entry matches when length and words are equal. The slot comes from
 * the hash's top bits (Fibonacci hashing): the low bits of a product depend only on the low bits of
 * its operand, that is on a key's first few bytes, and keys that share a prefix (station names made
 * of syllables, say) would pile into a few long probe chains. Longer keys also compare their middle
 * bytes. Reading a whole word needs eight readable bytes from the key's start; near the end of an
 * array the bytes are gathered one by one instead.
 *
 * @param <V> the value type
 */
public final class KeyTable<V> {
  /** One key and its value. */
  public static final class Entry<V> {
    final byte[] bytes;
    final long first;
    final long last;
    final int hash;
    final int length;
    final String key;

    /** The value; the caller sets it. */
    public V value;

    Entry(byte[] bytes, long first, long last, int hash) {
      this.bytes = bytes;
      this.first = first;
      this.last = last;
      this.hash = hash;
      this.length = bytes.length;
      this.key = new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The key.
     *
     * @return the key as a String
     */
    public String key() {
      return key;
    }
  }

  private Entry<V>[] slots = newSlots(64);
  private int shift = 32 - 6; // 32 - log2(slots.length)
  private int size;

  @SuppressWarnings("unchecked")
  private static <V> Entry<V>[] newSlots(int n) {
    return (Entry<V>[]) new Entry<?>[n];
  }

  /**
   * The entry for a key, created (with a null value) if absent.
   *
   * @param b the bytes
   * @param from the key's first byte
   * @param to just past its last byte
   * @return the entry
   */
  public Entry<V> entry(byte[] b, int from, int to) {
    int len = to - from;
    long first = firstWord(b, from, to);
    long last = lastWord(b, from, to);
    int h = hash(first, last, len);
    Entry<V>[] s = slots;
    int mask = s.length - 1;
    int i = h >>> shift;
    while (true) {
      Entry<V> e = s[i];
      if (e == null) {
        return add(i, b, from, to, first, last, h);
      }
      if (e.first == first
          && e.last == last
          && e.length == len
          && (len <= 16 || Arrays.equals(e.bytes, 8, len - 8, b, from + 8, to - 8))) {
        return e;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * A key's first eight bytes as a little-endian word, zero-padded when shorter; no branch on the
   * length, which varies from key to key.
   */
  static long firstWord(byte[] b, int from, int to) {
    int len = to - from;
    return Bytes.word(b, from) & (len >= 8 ? -1L : (1L << (len << 3)) - 1);
  }

  /** A key's last eight bytes as a word, or zero for keys under eight bytes. */
  static long lastWord(byte[] b, int from, int to) {
    return Bytes.word(b, Math.max(to - 8, 0)) & ((7 - (to - from)) >> 31);
  }

  /** The hash of a key's words and length; a slot is its top bits. */
  static int hash(long first, long last, int len) {
    long x = (first ^ Long.rotateLeft(last, 29) ^ len) * 0x9E3779B97F4A7C15L;
    return (int) (x >>> 32);
  }

  private Entry<V> add(int i, byte[] b, int from, int to, long first, long last, int h) {
    Entry<V> e = new Entry<>(Arrays.copyOfRange(b, from, to), first, last, h);
    slots[i] = e;
    if (++size * 4 > slots.length) {
      grow();
    }
    return e;
  }

  private void grow() {
    Entry<V>[] old = slots;
    slots = newSlots(old.length * 2);
    shift--;
    int mask = slots.length - 1;
    for (Entry<V> e : old) {
      if (e != null) {
        int i = e.hash >>> shift;
        while (slots[i] != null) {
          i = (i + 1) & mask;
        }
        slots[i] = e;
      }
    }
  }

  /**
   * Visits every entry with a non-null value.
   *
   * @param action receives each key and value
   */
  public void forEach(BiConsumer<String, V> action) {
    for (Entry<V> e : slots) {
      if (e != null && e.value != null) {
        action.accept(e.key, e.value);
      }
    }
  }
}
