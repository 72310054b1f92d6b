package dev.weft;

import java.io.Serializable;

/**
 * Computes one result from the indices {@code [lo, hi)} of one contiguous slice: the per-slice step
 * of {@link Pool#reduceRange}, whose results the caller then combines in index order.
 *
 * <p>{@link Serializable} like {@link TaskFunction}.
 *
 * @param <R> the slice's result type
 */
@FunctionalInterface
public interface RangeFunction<R> extends Serializable {
  /**
   * Computes the result of one slice.
   *
   * @param lo the first index of the slice
   * @param hi one past its last index; {@code lo < hi}
   * @return the slice's result
   * @throws Exception any failure; it fails the whole reduction, named by the slice's range
   */
  R apply(int lo, int hi) throws Exception;
}
