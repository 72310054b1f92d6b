package dev.weft.io;

/**
 * One line or CSV row: a reusable view over bytes, valid only during the callback that receives it.
 * Do not keep it; keep what you take out of it. Field indexes are zero-based.
 *
 * <p>The number parsers work on the field's bytes without making a {@code String}. They accept
 * {@code [+-]?(digits[.digits*] | .digits)([eE][+-]?digits)?} (whole numbers only for {@link
 * #parseLong}), with no spaces, and throw {@link MalformedRecordException} otherwise: the run then
 * fails naming the record, or skips it when asked to.
 *
 * <p>Not thread-safe: each chunk is parsed by one thread.
 */
public interface Row {
  /**
   * How many fields the record has.
   *
   * @return the field count, at least 1
   */
  int fieldCount();

  /**
   * The field's length in bytes, after removing quotes and unescaping {@code ""}.
   *
   * @param field the field index
   * @return its length in bytes
   */
  int length(int field);

  /**
   * One byte of a field.
   *
   * @param field the field index
   * @param index the byte index within the field
   * @return the byte
   */
  byte byteAt(int field, int index);

  /**
   * The field as a new string.
   *
   * @param field the field index
   * @return the field, decoded from UTF-8
   */
  String string(int field);

  /**
   * The field as a string shared by every record of the chunk with the same bytes: for group-by
   * keys, it costs a hash lookup instead of a new {@code String} per record.
   *
   * @param field the field index
   * @return the field, decoded from UTF-8
   */
  String key(int field);

  /**
   * Whether the field's bytes are those of {@code text} in UTF-8.
   *
   * @param field the field index
   * @param text the text
   * @return true if equal
   */
  boolean fieldEquals(int field, String text);

  /**
   * The field parsed as a {@code long}.
   *
   * @param field the field index
   * @return its value
   * @throws MalformedRecordException if it is not a whole number in range
   */
  long parseLong(int field);

  /**
   * The field parsed as a {@code double}, correctly rounded.
   *
   * @param field the field index
   * @return its value
   * @throws MalformedRecordException if it is not a number
   */
  double parseDouble(int field);

  /**
   * The file this record comes from.
   *
   * @return the file name as given
   */
  String file();

  /**
   * The byte offset of the record's first byte in its file.
   *
   * @return the offset
   */
  long offset();
}
