package dev.weft;

import java.io.Serializable;

/**
 * An {@code int} to {@code int} function applied to every element by {@link Pool#mapInts}.
 *
 * <p>{@link Serializable} like {@link TaskFunction}; it runs once per element, so it should be
 * cheap, and it must not depend on the order in which elements are computed.
 */
@FunctionalInterface
public interface IntUnaryTask extends Serializable {
  /**
   * Computes the value for one element.
   *
   * @param value the element
   * @return its value
   * @throws Exception any failure; it fails the whole call, named by the failed slice's range
   */
  int applyAsInt(int value) throws Exception;
}
