package dev.weft;

import java.io.Serializable;

/**
 * The body of a data-parallel loop: processes the indices {@code [lo, hi)} of one contiguous slice.
 * {@link Pool#forRange} cuts a range into slices and runs this on each, in parallel.
 *
 * <p>Like {@link TaskFunction} it is {@link Serializable}, so that a lambda assigned to it can run
 * in another process as long as everything it captures is serializable; a body that writes into a
 * captured array needs an engine in the caller's JVM (the built-in ones), since another process
 * would write into its own copy.
 */
@FunctionalInterface
public interface RangeTask extends Serializable {
  /**
   * Processes one slice.
   *
   * @param lo the first index of the slice
   * @param hi one past its last index; {@code lo < hi}
   * @throws Exception any failure; it fails the whole loop, named by the slice's range
   */
  void run(int lo, int hi) throws Exception;
}
