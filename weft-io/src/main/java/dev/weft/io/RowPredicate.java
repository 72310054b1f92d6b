package dev.weft.io;

import java.io.Serializable;

/** Chooses records: {@link Records#filter} keeps those for which it returns true. */
@FunctionalInterface
public interface RowPredicate extends Serializable {
  /**
   * Tests one record.
   *
   * @param record the record, valid only during this call
   * @return true to keep it
   * @throws Exception a failure; {@link MalformedRecordException} marks the record bad
   */
  boolean test(Row record) throws Exception;
}
