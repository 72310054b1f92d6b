package dev.weft.io;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * A byte range {@code [start, end)} of one file that holds whole lines: it starts at 0 or just
 * after a {@code '\n'} and ends just after a {@code '\n'} or at the end of the file.
 *
 * @param file the file, as a string so that chunks can be serialized
 * @param start the first byte's offset
 * @param end the offset just past the last byte
 */
public record FileChunk(String file, long start, long end) implements Serializable {
  /** Checks the range. */
  public FileChunk {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad range [" + start + ", " + end + ") of " + file);
    }
  }

  /**
   * The file as a path.
   *
   * @return the path
   */
  public Path path() {
    return Path.of(file);
  }

  /**
   * How many bytes the chunk holds.
   *
   * @return {@code end - start}
   */
  public long length() {
    return end - start;
  }
}
