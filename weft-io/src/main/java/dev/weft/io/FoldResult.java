package dev.weft.io;

import java.util.List;

/**
 * The answer of a run over files, with what it read.
 *
 * @param value the answer
 * @param records how many well-formed records were read (before any filter; headers and blank CSV
 *     lines not counted)
 * @param skipped how many malformed records were skipped (always 0 unless {@link
 *     Records#skipBad()})
 * @param bytes how many bytes were read
 * @param badRecords the first few skipped records in file order, with line numbers
 * @param <V> the answer's type
 */
public record FoldResult<V>(
    V value, long records, long skipped, long bytes, List<BadRecord> badRecords) {
  /** Copies the list. */
  public FoldResult {
    badRecords = List.copyOf(badRecords);
  }
}
