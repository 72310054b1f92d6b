package dev.weft.io.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * A hash table keyed by byte strings, so that a group-by looks keys up without making a String per
 * record: the key's String is made once per distinct key per chunk. Open addressing, linear
 * probing, power-of-two capacity, load at most one half. Not thread-safe: one per chunk.
 *
 * @param <V> the value type
 */
public final class KeyTable<V> {
  /** One key and its value. */
  public static final class Entry<V> {
    final byte[] bytes;
    final int hash;
    final String key;

    /** The value; the caller sets it. */
    public V value;

    Entry(byte[] bytes, int hash) {
      this.bytes = bytes;
      this.hash = hash;
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
    int h = hash(b, from, to);
    int mask = slots.length - 1;
    int i = h & mask;
    while (true) {
      Entry<V> e = slots[i];
      if (e == null) {
        e = new Entry<>(Arrays.copyOfRange(b, from, to), h);
        slots[i] = e;
        if (++size * 2 > slots.length) {
          grow();
        }
        return e;
      }
      if (e.hash == h && Arrays.equals(e.bytes, 0, e.bytes.length, b, from, to)) {
        return e;
      }
      i = (i + 1) & mask;
    }
  }

  private void grow() {
    Entry<V>[] old = slots;
    slots = newSlots(old.length * 2);
    int mask = slots.length - 1;
    for (Entry<V> e : old) {
      if (e != null) {
        int i = e.hash & mask;
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

  private static int hash(byte[] b, int from, int to) {
    int h = 1;
    for (int i = from; i < to; i++) {
      h = 31 * h + b[i];
    }
    return h ^ (h >>> 16);
  }
}
