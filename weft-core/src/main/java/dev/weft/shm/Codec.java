package dev.weft.shm;

import java.io.Serializable;
import java.lang.foreign.MemorySegment;

/**
 * How a {@link SharedQueue} turns elements into bytes and back. Serializable, because a queue's
 * {@linkplain SharedQueue.Handle handle} carries its codec to the other processes.
 *
 * <p>The queue asks for {@link #size} before it claims a slot, so that an element too large for the
 * queue is refused without consuming one, then has the element {@linkplain #write written} straight
 * into the claimed slot; the receiver {@linkplain #read reads} it out of the slot. Implementations
 * must be stateless or thread-safe: all threads of a process share one.
 *
 * @param <T> the element type
 */
public interface Codec<T> extends Serializable {
  /**
   * The exact number of bytes {@link #write} will write for {@code value}.
   *
   * @param value the element, not null
   * @return its encoded size
   */
  int size(T value);

  /**
   * Writes {@code value}'s encoding, {@link #size} bytes, at {@code offset}.
   *
   * @param value the element
   * @param to the slot's memory
   * @param offset where to start
   */
  void write(T value, MemorySegment to, long offset);

  /**
   * Reads back an element that {@link #write} wrote.
   *
   * @param from the slot's memory
   * @param offset where it starts
   * @param length how many bytes it has
   * @return the element
   */
  T read(MemorySegment from, long offset, int length);

  /**
   * {@code Long}s as 8 bytes.
   *
   * @return the codec
   */
  static Codec<Long> longs() {
    return Codecs.Longs.INSTANCE;
  }

  /**
   * {@code Integer}s as 4 bytes.
   *
   * @return the codec
   */
  static Codec<Integer> ints() {
    return Codecs.Ints.INSTANCE;
  }

  /**
   * {@code Double}s as 8 bytes.
   *
   * @return the codec
   */
  static Codec<Double> doubles() {
    return Codecs.Doubles.INSTANCE;
  }

  /**
   * Strings as UTF-8 (an unpaired surrogate becomes {@code ?}, as in {@link String#getBytes}).
   *
   * @return the codec
   */
  static Codec<String> strings() {
    return Codecs.Strings.INSTANCE;
  }

  /**
   * Byte arrays as themselves.
   *
   * @return the codec
   */
  static Codec<byte[]> bytes() {
    return Codecs.Bytes.INSTANCE;
  }

  /**
   * Any {@link Serializable} element by Java serialization: the fallback, slow (the element is
   * serialized twice, once to learn its size) and as safe as deserializing what your own processes
   * wrote.
   *
   * @param <T> the element type
   * @return the codec
   */
  @SuppressWarnings("unchecked")
  static <T extends Serializable> Codec<T> serialized() {
    return (Codec<T>) Codecs.Serialized.INSTANCE;
  }
}
