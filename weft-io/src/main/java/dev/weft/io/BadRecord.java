package dev.weft.io;

import java.io.Serializable;

/**
 * A malformed record, as reported.
 *
 * @param file the file
 * @param line the 1-based line number, or 0 if not computed yet
 * @param offset the byte offset of the record's first byte in the file
 * @param reason what is wrong
 * @param text the start of the line (at most 200 characters), invalid UTF-8 replaced
 */
public record BadRecord(String file, long line, long offset, String reason, String text)
    implements Serializable {
  /**
   * The same record with its line number.
   *
   * @param line the 1-based line number
   * @return the new record
   */
  public BadRecord withLine(long line) {
    return new BadRecord(file, line, offset, reason, text);
  }

  /**
   * A one-line description: {@code file:line (byte offset): reason: text}.
   *
   * @return the description
   */
  public String describe() {
    return file + ":" + line + " (byte " + offset + "): " + reason + ": " + text;
  }
}
