package dev.weft.shm;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/** The built-in codecs: enums, so that each is one serializable singleton in every process. */
final class Codecs {
  private Codecs() {}

  enum Longs implements Codec<Long> {
    INSTANCE;

    @Override
    public int size(Long value) {
      return 8;
    }

    @Override
    public void write(Long value, MemorySegment to, long offset) {
      to.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, value);
    }

    @Override
    public Long read(MemorySegment from, long offset, int length) {
      return from.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
    }
  }

  enum Ints implements Codec<Integer> {
    INSTANCE;

    @Override
    public int size(Integer value) {
      return 4;
    }

    @Override
    public void write(Integer value, MemorySegment to, long offset) {
      to.set(ValueLayout.JAVA_INT_UNALIGNED, offset, value);
    }

    @Override
    public Integer read(MemorySegment from, long offset, int length) {
      return from.get(ValueLayout.JAVA_INT_UNALIGNED, offset);
    }
  }

  enum Doubles implements Codec<Double> {
    INSTANCE;

    @Override
    public int size(Double value) {
      return 8;
    }

    @Override
    public void write(Double value, MemorySegment to, long offset) {
      to.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, offset, value);
    }

    @Override
    public Double read(MemorySegment from, long offset, int length) {
      return from.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, offset);
    }
  }

  enum Strings implements Codec<String> {
    INSTANCE;

    /** UTF-8 length without encoding, matching {@code getBytes(UTF_8)} (lone surrogate: 1). */
    @Override
    public int size(String value) {
      int n = 0;
      int len = value.length();
      for (int i = 0; i < len; i++) {
        char c = value.charAt(i);
        if (c < 0x80) {
          n += 1;
        } else if (c < 0x800) {
          n += 2;
        } else if (Character.isHighSurrogate(c)
            && i + 1 < len
            && Character.isLowSurrogate(value.charAt(i + 1))) {
          n += 4;
          i++;
        } else if (Character.isSurrogate(c)) {
          n += 1;
        } else {
          n += 3;
        }
      }
      return n;
    }

    @Override
    public void write(String value, MemorySegment to, long offset) {
      byte[] b = value.getBytes(StandardCharsets.UTF_8);
      MemorySegment.copy(b, 0, to, ValueLayout.JAVA_BYTE, offset, b.length);
    }

    @Override
    public String read(MemorySegment from, long offset, int length) {
      byte[] b = new byte[length];
      MemorySegment.copy(from, ValueLayout.JAVA_BYTE, offset, b, 0, length);
      return new String(b, StandardCharsets.UTF_8);
    }
  }

  enum Bytes implements Codec<byte[]> {
    INSTANCE;

    @Override
    public int size(byte[] value) {
      return value.length;
    }

    @Override
    public void write(byte[] value, MemorySegment to, long offset) {
      MemorySegment.copy(value, 0, to, ValueLayout.JAVA_BYTE, offset, value.length);
    }

    @Override
    public byte[] read(MemorySegment from, long offset, int length) {
      byte[] b = new byte[length];
      MemorySegment.copy(from, ValueLayout.JAVA_BYTE, offset, b, 0, length);
      return b;
    }
  }

  enum Serialized implements Codec<Serializable> {
    INSTANCE;

    @Override
    public int size(Serializable value) {
      Counting out = new Counting();
      serialize(value, out);
      return (int) Math.min(Integer.MAX_VALUE, out.count);
    }

    @Override
    public void write(Serializable value, MemorySegment to, long offset) {
      serialize(
          value,
          new OutputStream() {
            long at = offset;

            @Override
            public void write(int b) {
              to.set(ValueLayout.JAVA_BYTE, at++, (byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
              MemorySegment.copy(b, off, to, ValueLayout.JAVA_BYTE, at, len);
              at += len;
            }
          });
    }

    @Override
    public Serializable read(MemorySegment from, long offset, int length) {
      byte[] b = new byte[length];
      MemorySegment.copy(from, ValueLayout.JAVA_BYTE, offset, b, 0, length);
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
        return (Serializable) in.readObject();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot deserialize an element", e);
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("cannot deserialize an element: " + e.getMessage(), e);
      }
    }

    private static void serialize(Serializable value, OutputStream to) {
      try (ObjectOutputStream out = new ObjectOutputStream(to)) {
        out.writeObject(value);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot serialize " + value.getClass().getName(), e);
      }
    }
  }

  private static final class Counting extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
