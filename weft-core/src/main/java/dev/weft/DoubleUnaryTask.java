package dev.weft;

import java.io.Serializable;

/**
 * A {@code double} to {@code double} function applied to every element by {@link Pool#mapDoubles}.
 *
 * <p>{@link Serializable} like {@link TaskFunction}; it runs once per element, so it should be
 * cheap, and it must not depend on the order in which elements are computed.
 */
@FunctionalInterface
public interface DoubleUnaryTask extends Serializable {
  /**
   * Computes the value for one element.
   *
   * @param value the element
   * @return its value
   * @throws Exception any failure; it fails the whole call, named by the failed slice's range
   */
  double applyAsDouble(double value) throws Exception;
}
