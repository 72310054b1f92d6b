package dev.weft.spi;

/**
 * Receives the result of a batch. An engine calls it exactly once for every batch it accepted,
 * whether the batch ran, failed or was cancelled, on whatever thread finished the batch; it must be
 * quick and must not block.
 */
@FunctionalInterface
public interface BatchCallback {
  /**
   * The batch is finished.
   *
   * @param result what became of each input
   */
  void completed(BatchResult result);
}
