package dev.weft;

import java.io.Serializable;

/**
 * A {@code long} to {@code long} function applied to every element by {@link Pool#mapLongs}.
 *
 * <p>{@link Serializable} like {@link TaskFunction}; it runs once per element, so it should be
 * cheap, and it must not depend on the order in which elements are computed.
 */
@FunctionalInterface
public interface LongUnaryTask extends Serializable {
  /**
   * Computes the value for one element.
   *
   * @param value the element
   * @return its value
   * @throws Exception any failure; it fails the whole call, named by the failed slice's range
   */
  long applyAsLong(long value) throws Exception;
}
