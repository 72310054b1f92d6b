package dev.weft.io;

import java.io.Serializable;

/**
 * Count, sum, minimum and maximum of some numbers. The sum is exact before its one final rounding
 * (Shewchuk's algorithm, as Python's {@code math.fsum}), so it, and the mean, do not depend on how
 * the file was chunked or in which order chunks finished, even when a running total would overflow
 * ({@code 1e308 + 1e308 - 1e308} is {@code 1e308}). A true sum past {@link Double#MAX_VALUE} rounds
 * to an infinity of its sign; the sum is NaN only if the numbers include NaN or both infinities.
 *
 * @param count how many numbers
 * @param sum their sum, correctly rounded
 * @param min the smallest, NaN if there are none
 * @param max the largest, NaN if there are none
 */
public record Stats(long count, double sum, double min, double max) implements Serializable {
  /**
   * The mean.
   *
   * @return {@code sum / count}, NaN if there are no numbers
   */
  public double mean() {
    return count == 0 ? Double.NaN : sum / count;
  }
}
