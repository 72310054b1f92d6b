package dev.weft.io;

import java.io.Serializable;

/** Maps a record to a number, for {@link Records#stats(dev.weft.Pool, RowToDouble)}. */
@FunctionalInterface
public interface RowToDouble extends Serializable {
  /**
   * Maps one record.
   *
   * @param record the record, valid only during this call
   * @return its value
   * @throws Exception a failure; {@link MalformedRecordException} marks the record bad
   */
  double apply(Row record) throws Exception;
}
