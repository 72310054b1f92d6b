package dev.weft.io.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Eight bytes at a time from a byte array, for the parsers' word-at-a-time paths. */
final class Bytes {
  private Bytes() {}

  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * Eight bytes from {@code i} as a little-endian word ({@code b[i]} lowest); bytes past the
   * array's end read as zero.
   */
  static long word(byte[] b, int i) {
    if (i + 8 <= b.length) {
      return (long) LONG.get(b, i);
    }
    long w = 0;
    for (int k = Math.min(7, b.length - 1 - i); k >= 0; k--) {
      w = (w << 8) | (b[i + k] & 0xFF);
    }
    return w;
  }
}
