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

  /** The state {@link #resume} starts from and ends in between whole characters. */
  static final int START = ACCEPT;

  /** The state {@link #resume} returns, and keeps, once the bytes are not UTF-8. */
  static final int FAILED = REJECT * 6;

  /**
   * Carries a validation over one more run of bytes: {@code valid(a + b)} is {@code resume(b,
   * resume(a, START)) == START}.
   *
   * <p>Word at a time: ASCII costs a load and a mask per eight bytes; each multi-byte character is
   * checked where its lead byte is, its continuation bytes read directly and range-checked by
   * table, and a word is valid when the continuation bytes it holds are exactly those its
   * characters account for (a count, not a loop). Only a character cut by the end of the run goes
   * through the DFA, whose state carries it into the next run.
   *
   * @param b the bytes
   * @param from the first byte
   * @param to just past the last byte
   * @param state {@link #START}, or what the previous run returned
   * @return the state after the bytes: {@link #START} between characters, {@link #FAILED} (sticky)
   *     once they are not UTF-8, anything else inside a character
   */
  static int resume(byte[] b, int from, int to, int state) {
    int i = from;
    long st = state;
    while (st != START && st != FAILED && i < to) {
      st = (ROW[b[i++] & 0xFF] >>> st) & 63;
    }
    if (st != START) {
      return (int) st;
    }
    int next = i; // every byte before next is ASCII or part of a checked character
    for (; i < to; i += 8) {
      long w = Bytes.word(b, i);
      long range = to - i < 8 ? -1L >>> (64 - 8 * (to - i)) : -1L;
      long high = w & HIGH & range;
      long bit6 = (w << 1) & HIGH;
      long bit5 = (w << 2) & HIGH;
      long cont = high & ~bit6; // 10xxxxxx
      long lead2 = high & bit6 & ~bit5; // 110xxxxx
      int carried = next - i; // continuation bytes at the word's start checked with their lead
      if ((high & bit6 & bit5) == 0 && carried <= 1) {
        // No lead of three or four bytes: without a branch per byte, the word is valid when its
        // continuation bytes are exactly those after its two-byte leads, and no lead is C0 or C1
        // (overlong).
        long expected = ((lead2 << 8) | (carried == 1 ? 0x80L : 0)) & range;
        long overlong = lead2 & zeroBytes((w & 0xFEFEFEFEFEFEFEFEL) ^ 0xC0C0C0C0C0C0C0C0L);
        if (cont != expected || overlong != 0) {
          return FAILED;
        }
        if ((lead2 & Long.highestOneBit(range)) != 0) {
          // The last byte leads a character that goes on past the word.
          if (i + 8 >= to) {
            return CONT1 * 6;
          }
          if ((b[i + 8] & 0xC0) != 0x80) {
            return FAILED;
          }
          next = i + 9;
        }
        continue;
      }
      if (high == 0) {
        continue;
      }
      long leads = high & (w << 1); // 11xxxxxx; continuation bytes are 10xxxxxx
      int claimed = Math.clamp(next - i, 0, 8); // continuation bytes checked with an earlier lead
      while (leads != 0) {
        int p = i + (Long.numberOfTrailingZeros(leads) >>> 3);
        leads &= leads - 1;
        int lead = b[p] & 0xFF;
        int length = LENGTH[lead];
        if (p + length > to) {
          // Cut by the end of the run: the bytes before it are settled as at the end of a word,
          // and the DFA takes the character, carrying its state into the next run.
          long before = (1L << (8 * (p - i))) - 1;
          if (Long.bitCount(high & ~(w << 1) & before) != claimed) {
            return FAILED;
          }
          long s = START;
          for (int k = p; k < to; k++) {
            s = (ROW[b[k] & 0xFF] >>> s) & 63;
          }
          return (int) s;
        }
        if (length == 0
            || (b[p + 1] & 0xFF) < LOW[lead]
            || (b[p + 1] & 0xFF) > HIGH_SECOND[lead]
            || (length > 2 && (b[p + 2] & 0xC0) != 0x80)
            || (length > 3 && (b[p + 3] & 0xC0) != 0x80)) {
          return FAILED;
        }
        claimed += Math.min(length - 1, i + 7 - p);
        next = p + length;
      }
      if (Long.bitCount(high & ~(w << 1)) != claimed) {
        return FAILED; // a continuation byte without its lead
      }
    }
    return START;
  }

  private static final long HIGH = 0x8080808080808080L;

  /** The high bit of every zero byte of {@code x}, exactly. */
  private static long zeroBytes(long x) {
    return ~(((x & ~HIGH) + ~HIGH) | x | ~HIGH);
  }

  /** The length of the character a lead byte starts; 0 for bytes that cannot lead one. */
  private static final byte[] LENGTH = new byte[256];

  /** The range of the byte after a lead byte (narrower after E0, ED, F0 and F4). */
  private static final int[] LOW = new int[256];

  private static final int[] HIGH_SECOND = new int[256];

  static {
    for (int lead = 0xC2; lead <= 0xF4; lead++) {
      LENGTH[lead] = (byte) (lead <= 0xDF ? 2 : lead <= 0xEF ? 3 : 4);
      LOW[lead] = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
      HIGH_SECOND[lead] = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
    }
  }
}
