package dev.weft.cli;

import java.util.Locale;

/**
 * Text from files, made safe to print on a terminal: a binary file's bytes must not reach the
 * terminal as control characters (they can clear the screen, move the cursor or change its
 * character set), and an error message must stay one readable line.
 */
final class Text {
  /** The longest excerpt of a file's content that an error message shows. */
  static final int EXCERPT = 60;

  private Text() {}

  /**
   * {@code s} with every character that is not printable escaped: {@code \t}, {@code \n}, {@code
   * \r}, {@code \\}, {@code \x00}..{@code \x1f} and {@code \x7f}, and {@code \}{@code u0085} style
   * for other invisible code points (C1 controls, format characters, separators, unassigned).
   *
   * @param s the text
   * @return the escaped text
   */
  static String escape(String s) {
    return excerpt(s, Integer.MAX_VALUE);
  }

  /**
   * The start of {@code s}, escaped as {@link #escape} does, at most {@code max} characters long
   * (an escape is never cut), followed by {@code ...} when something was left out.
   *
   * @param s the text
   * @param max the most characters of the result before the {@code ...}
   * @return the excerpt
   */
  static String excerpt(String s, int max) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), max) + 8);
    int i = 0;
    while (i < s.length()) {
      int c = s.codePointAt(i);
      String piece = piece(c);
      if (out.length() + piece.length() > max) {
        return out.append("...").toString();
      }
      out.append(piece);
      i += Character.charCount(c);
    }
    return out.toString();
  }

  /**
   * A size as weft prints sizes everywhere: decimal megabytes (1 MB = 1,000,000 bytes), or bytes
   * below one megabyte, where "0.0 MB" would say nothing.
   *
   * @param bytes the size
   * @return such as {@code "12,345.6 MB"} or {@code "999 bytes"}
   */
  static String size(double bytes) {
    return bytes < 1e6
        ? String.format(Locale.ROOT, "%,d bytes", Math.round(bytes))
        : String.format(Locale.ROOT, "%,.1f MB", bytes / 1e6);
  }

  private static String piece(int c) {
    switch (c) {
      case '\t':
        return "\\t";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\\':
        return "\\\\";
      default:
        break;
    }
    if (c < 0x20 || c == 0x7f) {
      return String.format(Locale.ROOT, "\\x%02x", c);
    }
    if (c < 0x7f) {
      return Character.toString(c);
    }
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.UNASSIGNED,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.PRIVATE_USE,
          Character.SURROGATE ->
          c > 0xffff
              ? String.format(Locale.ROOT, "\\U%08x", c)
              : String.format(Locale.ROOT, "\\u%04x", c);
      default -> Character.toString(c);
    };
  }
}
