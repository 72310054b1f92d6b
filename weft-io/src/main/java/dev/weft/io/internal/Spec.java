package dev.weft.io.internal;

import dev.weft.io.RowPredicate;
import java.io.Serializable;
import java.util.List;

/**
 * What to read and how: the immutable configuration behind {@code Records}, shipped to workers.
 *
 * @param files the files, in order
 * @param csv CSV (true) or whole lines (false)
 * @param delimiter the CSV field delimiter, one ASCII byte
 * @param header whether each file's first line is a header to skip
 * @param fieldCount the expected field count: positive to enforce, 0 to take it from the first
 *     record of the first file, -1 not to check
 * @param chunkSize bytes per chunk, 0 for automatic
 * @param skipBad skip malformed records instead of failing
 * @param maxBadSamples how many skipped records to report
 * @param filter records to keep, or null for all
 */
public record Spec(
    List<String> files,
    boolean csv,
    byte delimiter,
    boolean header,
    int fieldCount,
    long chunkSize,
    boolean skipBad,
    int maxBadSamples,
    RowPredicate filter)
    implements Serializable {
  /** Copies the file list. */
  public Spec {
    files = List.copyOf(files);
  }

  /**
   * With another delimiter.
   *
   * @param d the delimiter byte
   * @return the new spec
   */
  public Spec withDelimiter(byte d) {
    return new Spec(files, csv, d, header, fieldCount, chunkSize, skipBad, maxBadSamples, filter);
  }

  /**
   * With or without a header line.
   *
   * @param h whether the first line of each file is a header
   * @return the new spec
   */
  public Spec withHeader(boolean h) {
    return new Spec(
        files, csv, delimiter, h, fieldCount, chunkSize, skipBad, maxBadSamples, filter);
  }

  /**
   * With another expected field count.
   *
   * @param n the count
   * @return the new spec
   */
  public Spec withFieldCount(int n) {
    return new Spec(files, csv, delimiter, header, n, chunkSize, skipBad, maxBadSamples, filter);
  }

  /**
   * With another chunk size.
   *
   * @param bytes the chunk size, 0 for automatic
   * @return the new spec
   */
  public Spec withChunkSize(long bytes) {
    return new Spec(
        files, csv, delimiter, header, fieldCount, bytes, skipBad, maxBadSamples, filter);
  }

  /**
   * Skipping malformed records, reporting the first few.
   *
   * @param report how many skipped records to report
   * @return the new spec
   */
  public Spec withSkipBad(int report) {
    return new Spec(files, csv, delimiter, header, fieldCount, chunkSize, true, report, filter);
  }

  /**
   * With another record filter.
   *
   * @param f the filter, or null for all records
   * @return the new spec
   */
  public Spec withFilter(RowPredicate f) {
    return new Spec(
        files, csv, delimiter, header, fieldCount, chunkSize, skipBad, maxBadSamples, f);
  }
}
