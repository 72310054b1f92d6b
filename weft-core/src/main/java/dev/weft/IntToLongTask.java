package dev.weft;

import java.io.Serializable;

/**
 * The term for one index of a sum: {@link Pool#sumLongs} adds {@code applyAsLong(i)} over a range.
 *
 * <p>{@link Serializable} like {@link TaskFunction}; it runs once per element, so it should be
 * cheap, and it must not depend on the order in which elements are computed.
 */
@FunctionalInterface
public interface IntToLongTask extends Serializable {
  /**
   * Computes the term for one index.
   *
   * @param index an index of the range
   * @return its term
   * @throws Exception any failure; it fails the whole call, named by the failed slice's range
   */
  long applyAsLong(int index) throws Exception;
}
