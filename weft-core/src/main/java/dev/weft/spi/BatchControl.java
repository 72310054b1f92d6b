package dev.weft.spi;

/** A handle on a batch that an engine accepted. */
@FunctionalInterface
public interface BatchControl {
  /**
   * Cancels the batch: if it has not started it never will, if it is running its thread is
   * interrupted (or its worker told to stop) and inputs it has not reached are skipped. The batch's
   * callback still runs exactly once, reporting which inputs ran. Idempotent; does not block.
   */
  void cancel();
}
