package dev.weft.io;

/**
 * Told how far a run has got: after each chunk's partial result is merged, on the thread that
 * started the run, so it needs no synchronization of its own. Chunks are merged in file order, so
 * {@code bytesDone} only grows; it reaches {@code bytesTotal} when the last chunk is merged (passes
 * it, if a file is a pipe).
 */
@FunctionalInterface
public interface Progress {
  /**
   * Reports progress.
   *
   * @param bytesDone the bytes of all files read and merged so far
   * @param bytesTotal the bytes of all files, measured when the run started; a pipe, whose length
   *     is unknown until it ends, counts 0, so {@code bytesDone} may pass it
   */
  void update(long bytesDone, long bytesTotal);
}
