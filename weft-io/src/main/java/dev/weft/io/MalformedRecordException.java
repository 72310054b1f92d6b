package dev.weft.io;

/**
 * A record could not be parsed: wrong field count, bad number, unterminated quote or invalid UTF-8.
 * Thrown by a run (not under {@link Records#skipBad()}) with {@link #badRecord()} naming the file,
 * line and byte offset; thrown by {@link Row}'s parsers with only a reason, which the run then
 * completes with the position.
 */
public final class MalformedRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final BadRecord badRecord;
  private final String reason;

  /**
   * A failure known only by its reason, before its position is known.
   *
   * @param reason what is wrong
   */
  public MalformedRecordException(String reason) {
    super(reason, null, false, false);
    this.reason = reason;
    this.badRecord = null;
  }

  /**
   * A failure at a known position.
   *
   * @param badRecord where and what
   * @param cause what was thrown where it was found, or null
   */
  public MalformedRecordException(BadRecord badRecord, Throwable cause) {
    super(badRecord.describe(), cause);
    this.reason = badRecord.reason();
    this.badRecord = badRecord;
  }

  /**
   * What is wrong.
   *
   * @return the reason
   */
  public String reason() {
    return reason;
  }

  /**
   * Where it is, if known.
   *
   * @return the bad record, or null if thrown by a parser before its position was known
   */
  public BadRecord badRecord() {
    return badRecord;
  }
}
