package dev.weft.io.internal;

import dev.weft.io.FileChunk;
import java.io.Serializable;

/**
 * What a worker folds: a chunk of a regular file, read by the worker by offset, or a chunk of a
 * stream (a pipe, a character device), already read by the calling thread and carried in {@code
 * bytes}, whose lines are numbered from {@code firstLine}, since a stream cannot be read again to
 * count them.
 *
 * @param chunk the range, in the file's or the stream's offsets
 * @param bytes the chunk's bytes for a stream, or null for a regular file
 * @param firstLine the 1-based line number of the chunk's first byte for a stream, else 0
 */
public record Piece(FileChunk chunk, byte[] bytes, long firstLine) implements Serializable {
  /**
   * A chunk of a regular file.
   *
   * @param chunk the chunk
   * @return the piece
   */
  static Piece of(FileChunk chunk) {
    return new Piece(chunk, null, 0);
  }

  /**
   * The 1-based line number of the byte at a stream offset inside this piece.
   *
   * @param offset an offset in {@code [chunk.start(), chunk.end())}
   * @return the line number
   */
  long lineAt(long offset) {
    long line = firstLine;
    int to = (int) (offset - chunk.start());
    for (int i = 0; i < to; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }
}
