package dev.weft.io.internal;

import dev.weft.io.FileChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Splits files into line-aligned chunks, lazily: each boundary is found when the chunk before it is
 * asked for, by reading forward from the nominal boundary to the next {@code '\n'}. The caller's
 * thread does this while workers parse earlier chunks; it reads a few KiB per chunk.
 */
public final class Chunker extends LookAhead<FileChunk> {
  /** The smallest automatic chunk. */
  public static final long MIN_AUTO = 1L << 20;

  /** The largest automatic chunk: bounds the work lost to a cancelled or failed chunk. */
  public static final long MAX_AUTO = 16L << 20;

  private static final int PROBE = 8192;

  private final List<String> files;
  private final long chunkSize;
  private final int parallelism;
  private int fileIndex = -1;
  private String file;
  private long size;
  private long fileChunk;
  private long next;

  /**
   * A chunker.
   *
   * @param files the files, in order
   * @param chunkSize bytes per chunk, or 0 for automatic
   * @param parallelism the pool's parallelism, for the automatic size
   */
  public Chunker(List<String> files, long chunkSize, int parallelism) {
    this.files = files;
    this.chunkSize = chunkSize;
    this.parallelism = Math.max(1, parallelism);
  }

  /**
   * The automatic chunk size for a file: about four chunks per worker, within [1 MiB, 16 MiB].
   *
   * @param fileSize the file's size
   * @param parallelism the pool's parallelism
   * @return the chunk size
   */
  public static long autoSize(long fileSize, int parallelism) {
    return Math.clamp(fileSize / (4L * parallelism), MIN_AUTO, MAX_AUTO);
  }

  @Override
  FileChunk advance() {
    try {
      while (file == null || next >= size) {
        if (++fileIndex >= files.size()) {
          return null;
        }
        file = files.get(fileIndex);
        FileKinds.requireRegular(Path.of(file)); // a pipe has no offsets: its size is 0
        size = Files.size(Path.of(file));
        fileChunk = chunkSize > 0 ? chunkSize : autoSize(size, parallelism);
        next = 0;
      }
      long start = next;
      long end = start + fileChunk >= size ? size : lineEndAtOrAfter(start + fileChunk - 1);
      next = end;
      return new FileChunk(file, start, end);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The offset just past the first {@code '\n'} at or after {@code from}, or the file's size. */
  private long lineEndAtOrAfter(long from) throws IOException {
    try (FileChannel ch = FileChannel.open(Path.of(file), StandardOpenOption.READ)) {
      ByteBuffer bb = ByteBuffer.allocate(PROBE);
      long p = from;
      while (p < size) {
        bb.clear();
        int r = ch.read(bb, p);
        if (r <= 0) {
          break;
        }
        byte[] a = bb.array();
        for (int i = 0; i < r; i++) {
          if (a[i] == '\n') {
            return p + i + 1;
          }
        }
        p += r;
      }
      return size;
    }
  }

  /**
   * How many {@code '\n'} precede {@code offset} in a file, plus one: the line number of the byte
   * at {@code offset}. Reads the file up to there: meant for error reports only.
   *
   * @param file the file
   * @param offset a byte offset
   * @return the 1-based line number
   * @throws IOException if the file cannot be read
   */
  public static long lineNumber(String file, long offset) throws IOException {
    long lines = 1;
    try (FileChannel ch = FileChannel.open(Path.of(file), StandardOpenOption.READ)) {
      ByteBuffer bb = ByteBuffer.allocate(1 << 16);
      long p = 0;
      while (p < offset) {
        bb.clear();
        bb.limit((int) Math.min(bb.capacity(), offset - p));
        int r = ch.read(bb, p);
        if (r <= 0) {
          break;
        }
        byte[] a = bb.array();
        for (int i = 0; i < r; i++) {
          if (a[i] == '\n') {
            lines++;
          }
        }
        p += r;
      }
    }
    return lines;
  }
}
