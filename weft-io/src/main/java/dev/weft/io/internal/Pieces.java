package dev.weft.io.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pieces of a run's files in order, lazily, on the calling thread: a regular file's chunks from
 * a {@link Chunker}, a stream's from a {@link StreamChunker}. Streams are opened when first needed
 * (by the field count probe or by the run) and closed by {@link #close()}. Not thread-safe.
 */
final class Pieces extends LookAhead<Piece> implements AutoCloseable {
  private final List<String> files;
  private final long chunkSize;
  private final int parallelism;
  private final Map<String, StreamChunker> streams = new HashMap<>();
  private int fileIndex = -1;
  private Chunker chunker;
  private StreamChunker stream;

  Pieces(List<String> files, long chunkSize, int parallelism) {
    this.files = files;
    this.chunkSize = chunkSize;
    this.parallelism = parallelism;
  }

  /**
   * The stream a file is, shared by the probe and the run so that the probe's look-ahead is not
   * lost; null for a regular (or missing) file.
   */
  StreamChunker stream(String file) {
    if (!FileKinds.isStream(Path.of(file))) {
      return null;
    }
    return streams.computeIfAbsent(file, f -> new StreamChunker(f, chunkSize));
  }

  @Override
  Piece advance() {
    try {
      while (true) {
        if (chunker != null && chunker.hasNext()) {
          return Piece.of(chunker.next());
        }
        if (stream != null) {
          Piece p = stream.next();
          if (p != null) {
            return p;
          }
        }
        if (++fileIndex >= files.size()) {
          return null;
        }
        String file = files.get(fileIndex);
        stream = stream(file);
        chunker = stream == null ? new Chunker(List.of(file), chunkSize, parallelism) : null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (StreamChunker s : streams.values()) {
      try {
        s.close();
      } catch (IOException e) {
        // Nothing was lost: the run has its answer or its failure already.
      }
    }
  }
}
