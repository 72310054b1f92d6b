package dev.weft.io.internal;

/**
 * A UTF-8 validator: rejects overlong forms, surrogates and code points past U+10FFFF (the
 * well-formed byte sequences of the Unicode standard, table 3-7).
 *
 * <p>Implementation note: a DFA without branches, in the "shift-based" layout: each state is a
 * multiple of 6 below 64, and {@code ROW[byte]} packs, at bit offset {@code state}, the next state
 * for that byte. One step is {@code state = (ROW[byte] >>> state) & 63}: a shift and a mask on the
 * critical path, a load that does not depend on the state, and no branch to mispredict where the
 * multi-byte characters happen to be.
 */
public final class Utf8 {
  private Utf8() {}

  private static final int ACCEPT = 0;
  private static final int REJECT = 1;
  private static final int CONT1 = 2; // one continuation byte to go
  private static final int CONT2 = 3; // two to go
  private static final int AFTER_E0 = 4; // A0..BF, then one more (no overlong 3-byte forms)
  private static final int AFTER_ED = 5; // 80..9F, then one more (no surrogates)
  private static final int CONT3 = 6; // three to go
  private static final int AFTER_F0 = 7; // 90..BF, then two more (no overlong 4-byte forms)
  private static final int AFTER_F4 = 8; // 80..8F, then two more (nothing past U+10FFFF)
  private static final int STATES = 9;

  private static final long[] ROW = new long[256];

  static {
    for (int b = 0; b < 256; b++) {
      long row = 0;
      for (int s = 0; s < STATES; s++) {
        row |= (long) (next(s, b) * 6) << (s * 6);
      }
      ROW[b] = row;
    }
  }

  private static int next(int state, int b) {
    return switch (state) {
      case ACCEPT -> {
        if (b < 0x80) {
          yield ACCEPT;
        } else if (b >= 0xC2 && b <= 0xDF) {
          yield CONT1;
        } else if (b == 0xE0) {
          yield AFTER_E0;
        } else if (b == 0xED) {
          yield AFTER_ED;
        } else if (b >= 0xE1 && b <= 0xEF) {
          yield CONT2;
        } else if (b == 0xF0) {
          yield AFTER_F0;
        } else if (b >= 0xF1 && b <= 0xF3) {
          yield CONT3;
        } else if (b == 0xF4) {
          yield AFTER_F4;
        } else {
          yield REJECT;
        }
      }
      case CONT1 -> b >= 0x80 && b <= 0xBF ? ACCEPT : REJECT;
      case CONT2 -> b >= 0x80 && b <= 0xBF ? CONT1 : REJECT;
      case AFTER_E0 -> b >= 0xA0 && b <= 0xBF ? CONT1 : REJECT;
      case AFTER_ED -> b >= 0x80 && b <= 0x9F ? CONT1 : REJECT;
      case CONT3 -> b >= 0x80 && b <= 0xBF ? CONT2 : REJECT;
      case AFTER_F0 -> b >= 0x90 && b <= 0xBF ? CONT2 : REJECT;
      case AFTER_F4 -> b >= 0x80 && b <= 0x8F ? CONT2 : REJECT;
      default -> REJECT;
    };
  }

  /**
   * Whether the bytes are well-formed UTF-8.
   *
   * @param b the bytes
   * @param from the first byte
   * @param to just past the last byte
   * @return true if valid
   */
  public static boolean valid(byte[] b, int from, int to) {
    long state = ACCEPT;
    for (int i = from; i < to; i++) {
      state = (ROW[b[i] & 0xFF] >>> state) & 63;
    }
    return state == ACCEPT;
  }
}
