package dev.weft.io;

/**
 * Told how far a run has got: after each chunk's partial result is merged, on the thread that
 * started the run, so it needs no synchronization of its own. Chunks are merged in file order, so
 * {@code bytesDone} only grows; it reaches {@code bytesTotal} when the last chunk is merged.
 */
@FunctionalInterface
public interface Progress {
  /**
   * Reports progress.
   *
   * @param bytesDone the bytes of all files read and merged so far
   * @param bytesTotal the bytes of all files, measured when the run started
   */
  void update(long bytesDone, long bytesTotal);
}
