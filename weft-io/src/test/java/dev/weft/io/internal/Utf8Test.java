package dev.weft.io.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The validator against the JDK's strict UTF-8 decoder. */
class Utf8Test {
  final CharsetDecoder jdk =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  final CharBuffer out = CharBuffer.allocate(64);

  boolean reference(byte[] b, int from, int to) {
    out.clear();
    ByteBuffer in = ByteBuffer.wrap(b, from, to - from);
    CoderResult r = jdk.reset().decode(in, out, true);
    return !r.isError() && !jdk.flush(out).isError() && !in.hasRemaining();
  }

  @Test
  void everySequenceOfUpToThreeBytesAgrees() {
    byte[] b = {'x', 0, 0, 0, 'y'};
    int checked = 0;
    for (int first = 0; first < 256; first++) {
      // A third byte matters only after a three- or four-byte lead (E0 and up).
      int thirds = first >= 0xE0 ? 256 : 1;
      for (int second = 0; second < 256; second++) {
        for (int third = 0; third < thirds; third++) {
          b[1] = (byte) first;
          b[2] = (byte) second;
          b[3] = (byte) third;
          for (int len = 1; len <= 3; len++) {
            if (Utf8.valid(b, 1, 1 + len) != reference(b, 1, 1 + len)) {
              fail(
                  "%02x %02x %02x, %d bytes: %s",
                  first, second, third, len, !reference(b, 1, 1 + len));
            }
            checked++;
          }
        }
      }
    }
    assertThat(checked).isEqualTo(3 * (224 * 256 + 32 * 256 * 256));
  }

  @Test
  void fourByteFormsAndRandomTextAgree() {
    Random rnd = new Random(3);
    byte[] b = new byte[12];
    for (int n = 0; n < 300_000; n++) {
      int len = 1 + rnd.nextInt(b.length);
      for (int i = 0; i < len; i++) {
        int kind = rnd.nextInt(6);
        b[i] =
            (byte)
                switch (kind) {
                  case 0 -> 0xF0 + rnd.nextInt(16);
                  case 1, 2 -> 0x80 + rnd.nextInt(64);
                  case 3 -> 0xC0 + rnd.nextInt(64);
                  case 4 -> rnd.nextInt(128);
                  default -> rnd.nextInt(256);
                };
      }
      if (Utf8.valid(b, 0, len) != reference(b, 0, len)) {
        fail("%s", java.util.HexFormat.ofDelimiter(" ").formatHex(b, 0, len));
      }
    }
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp += 1 + rnd.nextInt(64)) {
      if (cp >= 0xD800 && cp <= 0xDFFF) {
        continue;
      }
      byte[] s = ("a" + Character.toString(cp) + "b").getBytes(StandardCharsets.UTF_8);
      assertThat(Utf8.valid(s, 0, s.length)).as("U+%04X", cp).isTrue();
      assertThat(Utf8.valid(s, 0, s.length - 2)).as("U+%04X cut", cp).isEqualTo(cp < 0x80);
    }
  }

  @Test
  void resumingOverRandomSplitsAgreesWithTheWholeRun() {
    Random rnd = new Random(5);
    byte[] b = new byte[64 + 8];
    int invalid = 0;
    for (int n = 0; n < 200_000; n++) {
      int len = rnd.nextInt(64);
      int i = 0;
      while (i < len) {
        // Mostly real characters of every length, sometimes a stray or truncated byte.
        int kind = rnd.nextInt(33);
        byte[] piece =
            kind < 16
                ? new byte[] {(byte) rnd.nextInt(128)}
                : kind < 32
                    ? Character.toString(randomCodePoint(rnd)).getBytes(StandardCharsets.UTF_8)
                    : new byte[] {(byte) (0x80 + rnd.nextInt(128))};
        for (int k = 0; k < piece.length && i < len; k++) {
          b[i++] = piece[k];
        }
      }
      for (int k = len; k < b.length; k++) {
        b[k] = (byte) (0x80 + rnd.nextInt(128)); // stale bytes past the end must not count
      }
      boolean expected = reference(b, 0, len);
      invalid += expected ? 0 : 1;
      int state = Utf8.START;
      int from = 0;
      while (from < len) {
        int to = Math.min(len, from + 1 + rnd.nextInt(20));
        state = Utf8.resume(b, from, to, state);
        from = to;
      }
      if ((state == Utf8.START) != expected) {
        fail("%s", java.util.HexFormat.ofDelimiter(" ").formatHex(b, 0, len));
      }
      assertThat(Utf8.resume(b, 0, len, Utf8.START) == Utf8.START).isEqualTo(expected);
    }
    assertThat(invalid).isBetween(20_000, 180_000); // both outcomes well exercised
  }

  private static int randomCodePoint(Random rnd) {
    while (true) {
      int cp =
          switch (rnd.nextInt(4)) {
            case 0 -> 0x80 + rnd.nextInt(0x780);
            case 1 -> 0x800 + rnd.nextInt(0xF800);
            case 2 -> 0x10000 + rnd.nextInt(0x100000);
            default -> rnd.nextInt(0x80);
          };
      if (cp < 0xD800 || cp > 0xDFFF) {
        return cp;
      }
    }
  }
}
